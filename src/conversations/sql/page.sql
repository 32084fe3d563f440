-- The JSON page, assembled in the database: one text value goes to the client as is (no row objects
-- built and serialised again in Node). The page CTE is a strategy's query (list.sql, search-*.sql)
-- yielding (id, hit_id, last_message_at) for at most $3 conversations, in conversation order; hit_id is
-- the matching message, if any. Each row costs two primary-key lookups; the cursor is the last row's key.
WITH page AS MATERIALIZED (
  {{page}}
),
last AS (
  SELECT id, last_message_at FROM page ORDER BY last_message_at, id LIMIT 1
)
SELECT (SELECT coalesce(json_agg(json_strip_nulls(json_build_object(
                 'message_id', lm.id,
                 'content', lm.content,
                 'timestamp', to_char(lm."timestamp" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                 'direction', lm.direction,
                 'contact_id', c.id,
                 'name', c.name,
                 'phone_number', c.phone_number,
                 'match', CASE WHEN h.id IS NOT NULL THEN json_build_object(
                   'message_id', h.id,
                   'content', h.content,
                   'timestamp', to_char(h."timestamp" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')) END
               )) ORDER BY p.last_message_at DESC, p.id DESC), '[]')::text
          FROM page p
          JOIN contacts c ON c.id = p.id
          JOIN messages lm ON lm.id = c.last_message_id
          LEFT JOIN messages h ON h.id = p.hit_id) AS body,
       (SELECT count(*)::int FROM page) AS fetched,
       -- The keyset cursor of the last row, at full microsecond precision.
       (SELECT to_char(last_message_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') FROM last) AS next_at,
       (SELECT id FROM last) AS next_id
