/**
 * timestamptz values arrive as PostgreSQL's text (`2026-01-31 23:58:21.123456+00`: sessions run in UTC with
 * ISO DateStyle) instead of Date objects: cheaper to read, and no microseconds lost on the way to a cursor.
 * Response bodies format theirs in SQL (iso_millis, migration 014). A session in another time zone (a
 * pooler's server connection opened before the role's defaults, session-defaults.ts) writes an offset, which
 * is converted: a cursor must name the same instant whatever the session.
 */
export function isoMicros(pgText: string): string {
  const parts = PG_TIMESTAMPTZ.exec(pgText);
  if (!parts) throw new Error(`not a timestamptz in ISO DateStyle: ${pgText}`);
  const [, date = "", time = "", digits = "", offset = ""] = parts;
  const micros = digits.padEnd(6, "0");
  if (offset === "+00") return `${date}T${time}.${micros}Z`;
  return `${new Date(utcMillis(date, time, offset)).toISOString().slice(0, 19)}.${micros}Z`;
}

const PG_TIMESTAMPTZ = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?([+-]\d{2}(?::\d{2}){0,2})$/;

/** The instant of a wall-clock date and time at a UTC offset written `±hh[:mm[:ss]]`. */
function utcMillis(date: string, time: string, offset: string): number {
  const [year = 0, month = 1, day = 1] = date.split("-").map(Number);
  const [hour = 0, minute = 0, second = 0] = time.split(":").map(Number);
  const [hours = 0, minutes = 0, seconds = 0] = offset.slice(1).split(":").map(Number);
  const sign = offset.startsWith("-") ? -1 : 1;
  const offsetSeconds = sign * (hours * 3600 + minutes * 60 + seconds);
  return Date.UTC(year, month - 1, day, hour, minute, second) - offsetSeconds * 1000;
}
