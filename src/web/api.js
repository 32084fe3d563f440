// @ts-check
/**
 * The page's only way to the server: fetch with cancellation, the next cursor from the headers, the
 * database time from Server-Timing, and problem+json errors turned into a message a person can read.
 */

/** @typedef {{ items: any[], next: string | null, dbMs: number | null, plan: string | null, totalMs: number }} Page */

export class ApiError extends Error {}

/**
 * @param {string} path
 * @param {AbortSignal} signal
 * @returns {Promise<Page>}
 */
export async function getPage(path, signal) {
  const started = performance.now();
  let response;
  try {
    response = await fetch(path, { signal, headers: { accept: "application/json" } });
  } catch (error) {
    if (signal.aborted) throw error;
    throw new ApiError(
      "The server is unreachable. Check that it is running, then search or scroll to retry.",
    );
  }
  const body = await response.json().catch(() => null);
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
