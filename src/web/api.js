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

/**
 * @param {string} path
 * @param {AbortSignal} signal
 * @returns {Promise<Page>}
 */
export async function getPage(path, signal) {
  const started = performance.now();
  let response;
  try {
    const token = sessionStorage.getItem(TOKEN_KEY);
    const headers = { accept: "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) };
    response = await fetch(path, { signal, headers });
  } catch (error) {
    if (signal.aborted) throw error;
    throw new ApiError(
      "The server is unreachable. Check that it is running, then search or scroll to retry.",
    );
  }
  const body = await response.json().catch(() => null);
  if (response.status === 401) {
    window.dispatchEvent(new CustomEvent("inbox:token-needed"));
    throw new ApiError("This server needs an access token: enter it above.");
  }
  if (!response.ok) {
    const detail = body && typeof body.detail === "string" ? body.detail : `HTTP ${response.status}`;
    throw new ApiError(response.status >= 500 ? `The server could not answer: ${detail}` : detail);
  }
  const timing = /db;dur=([\d.]+)(?:;desc="(\w+)")?/.exec(response.headers.get("server-timing") ?? "");
  return {
    items: Array.isArray(body) ? body : [],
    next: response.headers.get("x-next-cursor"),
    dbMs: timing ? Number(timing[1]) : null,
    plan: timing?.[2] ?? null,
    totalMs: performance.now() - started,
  };
}
