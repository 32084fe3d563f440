// @ts-check
import { ApiError, getPage, send, setToken } from "./api.js";
import { createFeed } from "./feed.js";
import { createLive } from "./live.js";
import { conversationItem, messageItem, pendingItem } from "./render.js";

/**
 * The inbox page: the conversation list with search, kept live by the change stream; a thread pane with a
 * reply box; a status line with query times.
 */

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
const search = /** @type {HTMLInputElement} */ ($("search"));
const status = $("status");
const threadPane = $("thread-pane");
const listPane = /** @type {HTMLElement} */ (document.querySelector(".list-pane"));
const list = $("conversations");
const threadList = $("thread");
const pill = /** @type {HTMLButtonElement} */ ($("new-pill"));
const reply = /** @type {HTMLInputElement} */ ($("reply"));
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
  list,
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
  list: threadList,
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
  markRead(openContact);
  reply.focus();
}

/** Opening a thread, or a message arriving in the open one, reads it: the stream then clears its badge. */
function markRead(/** @type {number} */ contact) {
  send("POST", `/contacts/${contact}/read`).catch(() => {});
}

/** The open thread's newest messages that it does not show yet, on top. */
async function refreshThread() {
  const contact = openContact;
  const page = await getPage(`/contacts/${contact}/messages?limit=30`, new AbortController().signal).catch(
    () => null,
  );
  if (!page || contact !== openContact || contact === null) return;
  const fresh = page.items.filter((m) => !threadList.querySelector(`[data-message-id="${m.message_id}"]`));
  for (const m of fresh.reverse()) threadList.prepend(messageItem(m));
  if (fresh.some((m) => m.direction === "inbound")) markRead(contact);
}

/**
 * A conversation that changed: to the top when it is now the newest, in place when only its row changed,
 * out when it has no message left. Scrolled down, the reader keeps their place and a pill counts what came.
 * @param {{ contact_id: number, conversation: any }} change
 */
function showChange({ contact_id: id, conversation }) {
  if (id === openContact && conversation) void refreshThread();
  const existing = list.querySelector(`button[data-contact-id="${id}"]`)?.closest("li") ?? null;
  if (!conversation) {
    existing?.remove();
    return;
  }
  const first = /** @type {HTMLElement | null} */ (list.querySelector("button.conversation"));
  const item = conversationItem(conversation, term);
  if (id === openContact) item.querySelector("button")?.setAttribute("aria-current", "true");
  if (first && conversation.timestamp < (first.dataset.timestamp ?? "")) {
    existing?.replaceWith(item);
    return;
  }
  const height = listPane.scrollHeight;
  existing?.remove();
  list.prepend(item);
  if (listPane.scrollTop > 0) {
    listPane.scrollTop += listPane.scrollHeight - height;
    pill.textContent = `${++unseen} new ↑`;
    pill.hidden = false;
  }
}
let unseen = 0;
const clearPill = () => {
  unseen = 0;
  pill.hidden = true;
};
pill.addEventListener("click", () => {
  listPane.scrollTo({ top: 0 });
  clearPill();
});
listPane.addEventListener("scroll", () => {
  if (listPane.scrollTop === 0) clearPill();
});

const liveState = $("live-state");
const live = createLive({
  query: () => new URLSearchParams(term ? { searchValue: term } : {}),
  onChange: showChange,
  onReset: () => {
    clearPill();
    void conversations.restart();
    void refreshThread();
  },
  onState: (isLive) => {
    liveState.textContent = isLive ? "Live" : "Offline: reconnecting…";
    liveState.className = isLive ? "live" : "live offline";
  },
});

$("composer").addEventListener("submit", (event) => {
  event.preventDefault();
  const text = reply.value.trim();
  if (!text || openContact === null) return;
  reply.value = "";
  deliver(openContact, text);
});

/** Sends a reply, shown at once as pending; on an error, it stays with the reason and a retry. */
function deliver(/** @type {number} */ contact, /** @type {string} */ text) {
  const pending = pendingItem(text);
  threadList.prepend(pending.item);
  const attempt = () =>
    send("POST", `/contacts/${contact}/messages`, { content: text, direction: "outbound" })
      .then((message) => {
        // The stream may have shown it already.
        if (threadList.querySelector(`[data-message-id="${message.message_id}"]`)) pending.item.remove();
        else pending.item.replaceWith(messageItem(message));
      })
      .catch((error) => pending.failed(error instanceof ApiError ? error.message : "unknown error", attempt));
  void attempt();
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
  void live.restart();
});

/** @type {ReturnType<typeof setTimeout> | undefined} */
let debounce;
search.addEventListener("input", () => {
  clearTimeout(debounce);
  debounce = setTimeout(() => {
    const next = search.value.trim();
    if (next === term) return;
    term = next;
    clearPill();
    void conversations.restart();
    void live.restart();
  }, DEBOUNCE_MS);
});

void conversations.restart();
void live.restart();
