// @ts-check
import { streamUrl } from "./api.js";

/**
 * The page's change stream: an EventSource on /events, filtered by the search shown. EventSource reconnects
 * by itself and resumes with Last-Event-ID; when it gives up (the server answered an error while restarting, a
 * ticket expired), a new one opens after a pause, and since a new stream cannot resume, the page reloads what
 * it shows (`onReset`), as it does when the server says events were missed.
 *
 * @param {{
 *   query: () => URLSearchParams,
 *   onChange: (change: { contact_id: number, conversation: any }) => void,
 *   onReset: () => void,
 *   onState: (live: boolean) => void,
 * }} options
 */
export function createLive({ query, onChange, onReset, onState }) {
  const REOPEN_MS = 2_000;
  /** @type {EventSource | null} */
  let source = null;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let reopening;
  let generation = 0;

  /** @param {boolean} resume whether what the page shows must be reloaded once the stream is back */
  const open = async (resume) => {
    clearTimeout(reopening);
    source?.close();
    source = null;
    const mine = ++generation;
    let url;
    try {
      url = await streamUrl(query());
    } catch {
      if (mine === generation) later(true);
      return;
    }
    if (mine !== generation) return;
    const next = new EventSource(url);
    source = next;
    next.addEventListener("open", () => {
      onState(true);
      if (resume) onReset();
      resume = false;
    });
    next.addEventListener("conversation", (event) =>
      onChange(JSON.parse(/** @type {MessageEvent} */ (event).data)),
    );
    next.addEventListener("reset", () => onReset());
    next.addEventListener("error", () => {
      onState(false);
      if (next.readyState === EventSource.CLOSED && source === next) later(true);
    });
  };
  const later = (/** @type {boolean} */ resume) => {
    reopening = setTimeout(() => void open(resume), REOPEN_MS);
  };

  return {
    /** A new stream for what the page shows now (after a search, or a token): the caller reloads the list. */
    restart: () => open(false),
  };
}
