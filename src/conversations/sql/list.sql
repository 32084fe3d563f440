-- All conversations, newest first. Relies on contacts_conversation_order (last_message_at DESC, id DESC,
-- partial: contacts with a message, covering the columns read here): an index-only range scan from the
-- cursor ($1, $2), skipping $4 entries (OFFSET pages read only this index, never the tables), then $3 rows.
SELECT id, name, phone_number, last_message_id, NULL::bigint AS hit_id, last_message_at
  FROM contacts
 WHERE last_message_id IS NOT NULL
   AND (last_message_at, id) < ($1::timestamptz, $2::bigint)
 ORDER BY last_message_at DESC, id DESC
OFFSET $4
 LIMIT $3
