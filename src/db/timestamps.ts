/**
 * timestamptz values arrive as PostgreSQL's text (`2026-01-31 23:58:21.123456+00`: sessions run in UTC with
 * ISO DateStyle) instead of Date objects: cheaper to read, and no microseconds lost on the way to a cursor.
 * Response bodies format theirs in SQL (iso_millis, migration 014).
 */
export function isoMicros(pgText: string): string {
  return `${pgText.slice(0, 10)}T${pgText.slice(11, 19)}.${fraction(pgText)}Z`;
}

function fraction(pgText: string): string {
  return pgText[19] === "." ? (/^\.(\d+)/.exec(pgText.slice(19))?.[1] ?? "").padEnd(6, "0") : "000000";
}
