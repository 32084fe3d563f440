// @ts-check
import { getPage, setToken } from "./api.js";
import { createFeed } from "./feed.js";
import { conversationItem, messageItem } from "./render.js";

/** The inbox page: the conversation list with search, a thread pane, and a status line with query times. */

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
const search = /** @type {HTMLInputElement} */ ($("search"));
const status = $("status");
const threadPane = $("thread-pane");
const DEBOUNCE_MS = 250;

let term = "";
/** @type {number | null} */
let openContact = null;

/**
 * @param {string} what
 * @param {import("./api.js").Page} page
 * @param {number} count
 */
function report(what, page, count) {
  const db =
    page.dbMs === null ? "" : ` · database ${page.dbMs.toFixed(1)} ms${page.plan ? ` (${page.plan})` : ""}`;
  status.textContent = `${count} ${what} loaded${db} · request ${page.totalMs.toFixed(0)} ms`;
}

const conversations = createFeed({
  list: $("conversations"),
  state: $("list-state"),
  end: $("list-end"),
  load: (cursor, signal) => {
    const query = new URLSearchParams({ limit: "50" });
    if (term) query.set("searchValue", term);
    if (cursor) query.set("cursor", cursor);
    return getPage(`/conversations?${query}`, signal);
  },
  render: (c) => conversationItem(c, term),
  empty: () => (term ? `No conversation matches “${term}”.` : "No conversations yet."),
  onPage: (page, count) => report(term ? "matching conversations" : "conversations", page, count),
});

const thread = createFeed({
  list: $("thread"),
  state: $("thread-state"),
  end: $("thread-end"),
  load: (cursor, signal) => {
    const query = new URLSearchParams({ limit: "30" });
    if (cursor) query.set("cursor", cursor);
    return getPage(`/contacts/${openContact}/messages?${query}`, signal);
  },
  render: messageItem,
  empty: () => "No messages.",
  onPage: (page, count) => report("messages", page, count),
});

/** @param {HTMLElement} button */
function openThread(button) {
  for (const current of document.querySelectorAll('[aria-current="true"]'))
    current.removeAttribute("aria-current");
  button.setAttribute("aria-current", "true");
  openContact = Number(button.dataset.contactId);
  $("thread-title").textContent = button.querySelector(".name")?.textContent ?? "";
  threadPane.hidden = false;
  void thread.restart();
  $("thread-close").focus();
}

function closeThread() {
  threadPane.hidden = true;
  const current = /** @type {HTMLElement | null} */ (document.querySelector('[aria-current="true"]'));
  current?.focus();
}

$("conversations").addEventListener("click", (event) => {
  const button = /** @type {HTMLElement} */ (event.target).closest("button.conversation");
  if (button instanceof HTMLElement) openThread(button);
});
$("thread-close").addEventListener("click", closeThread);
document.addEventListener("keydown", (event) => {
  if (event.key === "Escape" && !threadPane.hidden) closeThread();
});

$("search-form").addEventListener("submit", (event) => event.preventDefault());

const tokenForm = /** @type {HTMLFormElement} */ ($("token-form"));
window.addEventListener("inbox:token-needed", () => {
  tokenForm.hidden = false;
  $("token").focus();
});
tokenForm.addEventListener("submit", (event) => {
  event.preventDefault();
  setToken(/** @type {HTMLInputElement} */ ($("token")).value.trim());
  tokenForm.hidden = true;
  void conversations.restart();
});

/** @type {ReturnType<typeof setTimeout> | undefined} */
let debounce;
search.addEventListener("input", () => {
  clearTimeout(debounce);
  debounce = setTimeout(() => {
    const next = search.value.trim();
    if (next === term) return;
    term = next;
    void conversations.restart();
  }, DEBOUNCE_MS);
});

void conversations.restart();
