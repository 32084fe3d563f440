// @ts-check
/** DOM building for the page. Text goes in through textContent only: message content is never markup. */

/**
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {string} [className]
 * @param {string} [text]
 * @returns {HTMLElementTagNameMap[K]}
 */
export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/**
 * The text with every case-insensitive occurrence of `term` wrapped in <mark>.
 * @param {string} text
 * @param {string} term
 */
export function highlighted(text, term) {
  const fragment = document.createDocumentFragment();
  const needle = term.toLowerCase();
  const haystack = text.toLowerCase();
  let from = 0;
  // Lower-casing keeps lengths for the scripts this inbox meets; if it did not, show the text unmarked.
  if (needle && haystack.length === text.length) {
    for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, from)) {
      fragment.append(text.slice(from, at), el("mark", "", text.slice(at, at + needle.length)));
      from = at + needle.length;
    }
  }
  fragment.append(text.slice(from));
  return fragment;
}

/**
 * A long text cut to start a little before the first occurrence of `term`, so the match is in view.
 * @param {string} text
 * @param {string} term
 */
export function excerpt(text, term, before = 24) {
  const at = text.toLowerCase().indexOf(term.toLowerCase());
  if (at <= before) return text;
  const start = text.lastIndexOf(" ", at - before) + 1 || at - before;
  return `…${text.slice(start)}`;
}

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** @param {string} iso */
export function relativeTime(iso) {
  const at = new Date(iso);
  const ago = Date.now() - at.getTime();
  if (ago < MINUTE) return "now";
  if (ago < 60 * MINUTE) return `${Math.floor(ago / MINUTE)} min`;
  if (ago < DAY) return `${Math.floor(ago / (60 * MINUTE))} h`;
  if (ago < 7 * DAY) return at.toLocaleDateString(undefined, { weekday: "short" });
  return at.toLocaleDateString(undefined, { day: "numeric", month: "short", year: "numeric" });
}

/**
 * One conversation as a button: name, time, phone, the last message with its direction, and the match.
 * @param {any} c
 * @param {string} term
 */
export function conversationItem(c, term) {
  const button = el("button", "conversation");
  button.type = "button";
  button.dataset.contactId = String(c.contact_id);
  button.dataset.timestamp = c.timestamp;
  const name = el("span", "name");
  name.append(highlighted(c.name, term));
  const time = el("time", "time", relativeTime(c.timestamp));
  time.dateTime = c.timestamp;
  const phone = el("span", "phone");
  phone.append(highlighted(c.phone_number, term));
  const snippet = el("span", "snippet");
  const outbound = c.direction === "outbound";
  snippet.append(el("span", "dir", outbound ? "↗ You:" : "↙"), highlighted(c.content, term));
  // Beside the phone number, under the time: the second column of the row's grid.
  const badge = c.unread_count > 0 ? [el("span", "unread", String(c.unread_count))] : [];
  button.append(name, time, phone, ...badge, snippet);
  if (c.match && c.match.message_id !== c.message_id) {
    const match = el("span", "match");
    match.append("Match: ", highlighted(excerpt(c.match.content, term), term));
    button.append(match);
  }
  const unread = c.unread_count > 0 ? `, ${c.unread_count} unread` : "";
  button.setAttribute(
    "aria-label",
    `${c.name}${unread}, ${outbound ? "you wrote" : "they wrote"}: ${c.content}`,
  );
  const item = el("li");
  item.append(button);
  return item;
}

/** @param {any} m */
export function messageItem(m) {
  const item = el("li", `bubble ${m.direction}`, m.content);
  item.dataset.messageId = String(m.message_id);
  const time = el("time", "", new Date(m.timestamp).toLocaleString());
  time.dateTime = m.timestamp;
  item.append(time);
  return item;
}

/**
 * A reply on its way: shown at once, then replaced by the message the server stored, or marked failed with
 * the reason and a retry (the text stays in it: nothing typed is lost).
 * @param {string} text
 */
export function pendingItem(text) {
  const item = el("li", "bubble outbound pending", text);
  const state = el("span", "delivery", "Sending…");
  item.append(state);
  return {
    item,
    /** @param {string} reason @param {() => void} retry */
    failed(reason, retry) {
      item.classList.replace("pending", "failed");
      state.textContent = `Not sent: ${reason} `;
      const again = el("button", "retry", "Retry");
      again.type = "button";
      again.addEventListener("click", () => {
        item.classList.replace("failed", "pending");
        state.textContent = "Sending…";
        retry();
      });
      state.append(again);
    },
  };
}
