-- A page of conversations as rows; Node renders the JSON (V8's JSON.stringify costs a fraction of what
-- json_build_object per row costs PostgreSQL, and PostgreSQL is the shared, scarce part).
-- The page CTE is a strategy's query (list.sql, search-*.sql) yielding (id, name, phone_number,
-- last_message_id, hit_id, last_message_at) for at most $3 conversations; hit_id is the matching message, if
-- any; last_message_at becomes the next cursor. The contact's columns come from the strategy (read from the
-- covering contacts_conversation_order where it can), so a row costs one or two primary-key probes of messages.
--
-- The probes are LATERAL subqueries fenced with OFFSET 0 so they stay per-row index probes in any plan: the
-- list runs with one cached generic plan (queries.ts), where the planner cannot see the LIMIT and would
-- otherwise join messages by hash.
WITH page AS (
  {{page}}
)
SELECT lm.id AS message_id, lm.content, lm."timestamp", lm.direction,
       p.id AS contact_id, p.name, p.phone_number,
       h.id AS match_id, h.content AS match_content, h."timestamp" AS match_timestamp,
       p.last_message_at
  FROM page p
 CROSS JOIN LATERAL (SELECT id, content, "timestamp", direction FROM messages WHERE id = p.last_message_id OFFSET 0) lm
  LEFT JOIN LATERAL (SELECT id, content, "timestamp" FROM messages WHERE id = p.hit_id OFFSET 0) h ON true
 ORDER BY p.last_message_at DESC, p.id DESC
