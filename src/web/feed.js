// @ts-check
import { ApiError } from "./api.js";

/**
 * An infinitely scrolling list fed by cursor pages: the conversation list and a thread are both one.
 * Starting over cancels the request in flight, so a stale answer never lands in a newer list.
 *
 * @param {{
 *   list: HTMLElement, state: HTMLElement, end: HTMLElement,
 *   load: (cursor: string | null, signal: AbortSignal) => Promise<import("./api.js").Page>,
 *   render: (item: any) => Node,
 *   empty: () => string,
 *   onPage: (page: import("./api.js").Page, count: number) => void,
 * }} options
 */
export function createFeed({ list, state, end, load, render, empty, onPage }) {
  /** @type {AbortController | null} */
  let inFlight = null;
  /** @type {string | null} */
  let cursor = null;
  let done = false;
  let count = 0;

  /** Loads the next page; true when it arrived (false: cancelled, failed, or nothing left). */
  const next = async () => {
    if (inFlight || done) return false;
    const controller = new AbortController();
    inFlight = controller;
    state.className = "state";
    state.textContent = count === 0 ? "Loading…" : "Loading more…";
    try {
      const page = await load(cursor, controller.signal);
      if (controller.signal.aborted) return false;
      for (const item of page.items) list.append(render(item));
      count += page.items.length;
      cursor = page.next;
      done = page.next === null;
      state.textContent = count === 0 ? empty() : "";
      onPage(page, count);
      return true;
    } catch (error) {
      if (controller.signal.aborted) return false;
      // Shown until the user scrolls or searches again: no automatic retry loop.
      state.className = "state error";
      state.textContent =
        error instanceof ApiError ? error.message : "Something went wrong loading this list.";
      return false;
    } finally {
      if (inFlight === controller) inFlight = null;
    }
  };

  const more = async () => {
    // A page that did not fill the screen leaves the end marker visible: keep going.
    while ((await next()) && !done && isVisible(end)) {
      // next page
    }
  };

  new IntersectionObserver((entries) => {
    if (entries.some((e) => e.isIntersecting)) void more();
  }).observe(end);

  return {
    /** Empties the list and loads its first page. */
    restart() {
      inFlight?.abort();
      inFlight = null;
      cursor = null;
      done = false;
      count = 0;
      list.replaceChildren();
      return more();
    },
    more,
  };
}

/** @param {HTMLElement} node */
function isVisible(node) {
  const box = node.getBoundingClientRect();
  return box.top < window.innerHeight && box.bottom >= 0 && node.offsetParent !== null;
}
