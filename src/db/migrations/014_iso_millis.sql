-- Timestamps as the API writes them: ISO 8601 in UTC to the millisecond (`2026-01-31T23:58:21.123Z`, the
-- fraction truncated), formatted where the JSON is built. A SQL-standard body, so the planner inlines it.
CREATE FUNCTION iso_millis(at timestamptz) RETURNS text
  LANGUAGE sql STABLE PARALLEL SAFE
  RETURN to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"');
