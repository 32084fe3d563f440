// @ts-check
/**
 * The page's only way to the server: fetch with cancellation, the next cursor from the headers, the
 * database time from Server-Timing, and problem+json errors turned into a message a person can read.
 */

/** @typedef {{ items: any[], next: string | null, dbMs: number | null, plan: string | null, totalMs: number }} Page */

export class ApiError extends Error {}

const TOKEN_KEY = "inbox-token";

/** Kept for this browser tab only; sent as a Bearer token. */
export function setToken(/** @type {string} */ token) {
  sessionStorage.setItem(TOKEN_KEY, token);
}

/** @returns {Record<string, string>} */
const authorization = () => {
  const token = sessionStorage.getItem(TOKEN_KEY);
  return token ? { authorization: `Bearer ${token}` } : {};
};

/**
 * The X-Write-Token of this tab's latest write, sent back with every request: behind read replicas, what this
 * person just wrote is in what they read next. Positions only grow, so the latest covers every earlier write.
 */
let lastWrite = "";

/**
 * fetch, with the token, and a failure a person can read: unreachable, a token needed, or the problem's detail.
 * @param {string} path
 * @param {RequestInit} init
 * @param {string} unreachable what to say when the server cannot be reached
 */
async function request(path, init, unreachable) {
  let response;
  try {
    response = await fetch(path, {
      ...init,
      headers: {
        accept: "application/json",
        ...authorization(),
        ...(lastWrite ? { "x-write-token": lastWrite } : {}),
        .../** @type {Record<string, string>} */ (init.headers ?? {}),
      },
    });
  } catch (error) {
    if (init.signal?.aborted) throw error;
    throw new ApiError(unreachable);
  }
  const body = await response.json().catch(() => null);
  lastWrite = response.headers.get("x-write-token") ?? lastWrite;
  if (response.status === 401) {
    window.dispatchEvent(new CustomEvent("inbox:token-needed"));
    throw new ApiError("This server needs an access token: enter it above.");
  }
  if (!response.ok) {
    const detail = body && typeof body.detail === "string" ? body.detail : `HTTP ${response.status}`;
    throw new ApiError(response.status >= 500 ? `The server could not answer: ${detail}` : detail);
  }
  return { response, body };
}

/**
 * A write with a JSON body (or none); resolves to the answer's body.
 * @param {string} method
 * @param {string} path
 * @param {unknown} [body]
 */
export async function send(method, path, body) {
  const init =
    body === undefined
      ? { method }
      : {
          method,
          headers: { "content-type": "application/json" },
          body: JSON.stringify(body),
        };
  return (await request(path, init, "The server is unreachable: not sent.")).body;
}

/**
 * The change stream's URL. EventSource cannot send the token: with one, a short-lived ticket asked for with
 * it goes in the URL instead (the token itself never does).
 * @param {URLSearchParams} query
 */
export async function streamUrl(query) {
  if (sessionStorage.getItem(TOKEN_KEY)) query.set("ticket", (await send("POST", "/events/tickets")).ticket);
  return `/events?${query}`;
}

/**
 * @param {string} path
 * @param {AbortSignal} signal
 * @returns {Promise<Page>}
 */
export async function getPage(path, signal) {
  const started = performance.now();
  const { response, body } = await request(
    path,
    { signal },
    "The server is unreachable. Check that it is running, then search or scroll to retry.",
  );
  const timing = /db;dur=([\d.]+)(?:;desc="(\w+)")?/.exec(response.headers.get("server-timing") ?? "");
  return {
    items: Array.isArray(body) ? body : [],
    next: response.headers.get("x-next-cursor"),
    dbMs: timing ? Number(timing[1]) : null,
    plan: timing?.[2] ?? null,
    totalMs: performance.now() - started,
  };
}
