-- The conversations of the contacts $1, as page.sql renders them: what the change stream sends for the
-- contacts a batch of notifications named. One primary-key probe a contact; a contact without messages has
-- no row (its conversation is gone).
SELECT id, name, phone_number, last_message_id, NULL::bigint AS hit_id, last_message_at, unread_count
  FROM contacts
 WHERE id = ANY ($1::bigint[])
   AND last_message_id IS NOT NULL
