-- The unread conversations only (?unread=true), newest first, from the cursor ($1, $2), skipping $4, then $3
-- rows: one index-only range scan of contacts_unread_order (migration 019), a partial index that holds only
-- the contacts with unread messages and covers the columns returned. Its cost follows the unread ones, however
-- many conversations are read.
SELECT id, name, phone_number, last_message_id, NULL::bigint AS hit_id, last_message_at, unread_count
  FROM contacts
 WHERE last_message_id IS NOT NULL
   AND unread_count > 0
   AND (last_message_at, id) < ($1::timestamptz, $2::bigint)
 ORDER BY last_message_at DESC, id DESC
OFFSET $4
 LIMIT $3
