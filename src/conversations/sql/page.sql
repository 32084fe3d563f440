-- The JSON page, assembled in the database: one text value goes to the client as is (no row objects
-- built and serialised again in Node). The page CTE is a strategy's query (list.sql, search-*.sql) yielding (id, hit_id, rn): contact
-- ids in conversation order, the matching message if any, and their rank (rn = limit + 1 says "there is more").
--
-- $3 = rows wanted (limit). Each of the ≤ limit + 1 rows costs two primary-key lookups.
WITH page AS (
  {{page}}
),
rows AS (
  SELECT p.rn, c.id, c.last_message_at,
         json_strip_nulls(json_build_object(
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
         )) AS item
    FROM page p
    JOIN contacts c ON c.id = p.id
    JOIN messages lm ON lm.id = c.last_message_id
    LEFT JOIN messages h ON h.id = p.hit_id
)
SELECT coalesce(json_agg(item ORDER BY rn) FILTER (WHERE rn <= $3), '[]')::text AS body,
       count(*)::int AS fetched,
       -- The keyset cursor of the last row shown, at full microsecond precision.
       max(to_char(last_message_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')) FILTER (WHERE rn = $3) AS next_at,
       max(id) FILTER (WHERE rn = $3) AS next_id
  FROM rows
