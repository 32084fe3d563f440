-- A page of conversations as the response body, built here as JSON text that Node sends as it is: rendering it
-- in Node allocated enough per page for V8's young-generation collections to stall 1% of requests
-- (docs/architecture.md, "One page, one statement, one JSON text"). The page CTE is a strategy's query
-- (list.sql, search-*.sql) yielding (id, name, phone_number, last_message_id, hit_id, last_message_at,
-- unread_count) for at most $3 conversations; hit_id is the matching message, if any. The contact's columns come from the strategy
-- (read from the covering contacts_conversation_order where it can), so a row costs one or two primary-key
-- probes of messages. Besides the body: the number of rows, and the last row's position (last_message_at, id),
-- where the next page starts.
--
-- The probes are LATERAL subqueries fenced with OFFSET 0 so they stay per-row index probes in any plan: the
-- list runs with one cached generic plan (queries.ts), where the planner cannot see the LIMIT and would
-- otherwise join messages by hash. The brief's fields keep its order (json, not jsonb, keeps keys as built).
WITH page AS (
  {{page}}
)
SELECT coalesce(json_agg(
         CASE WHEN h.id IS NULL
              THEN json_build_object(
                     'message_id', lm.id, 'content', lm.content, 'timestamp', iso_millis(lm."timestamp"),
                     'direction', lm.direction, 'contact_id', p.id, 'name', p.name, 'phone_number', p.phone_number,
                     'unread_count', p.unread_count)
              ELSE json_build_object(
                     'message_id', lm.id, 'content', lm.content, 'timestamp', iso_millis(lm."timestamp"),
                     'direction', lm.direction, 'contact_id', p.id, 'name', p.name, 'phone_number', p.phone_number,
                     'unread_count', p.unread_count,
                     'match', json_build_object('message_id', h.id, 'content', h.content,
                                                'timestamp', iso_millis(h."timestamp")))
         END
         ORDER BY p.last_message_at DESC, p.id DESC), '[]')::text AS body,
       count(*)::int AS rows,
       min(p.last_message_at) AS last_at,
       (array_agg(p.id ORDER BY p.last_message_at, p.id))[1] AS last_id
  FROM page p
 CROSS JOIN LATERAL (SELECT id, content, "timestamp", direction FROM messages WHERE id = p.last_message_id OFFSET 0) lm
  LEFT JOIN LATERAL (SELECT id, content, "timestamp" FROM messages WHERE id = p.hit_id OFFSET 0) h ON true
