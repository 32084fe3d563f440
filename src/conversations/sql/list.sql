-- All conversations, newest first, from the cursor ($1, $2), skipping $4, then $3 rows. Two index-only range
-- scans: the subquery skips $4 entries of the key-only contacts_conversation_keys (narrow entries: the cheapest
-- to skip) to find the page's first key; the outer query reads the page from contacts_conversation_order, which
-- covers the columns returned. Past the last conversation the subquery yields no row and the page is empty.
SELECT id, name, phone_number, last_message_id, NULL::bigint AS hit_id, last_message_at, unread_count
  FROM contacts
 WHERE last_message_id IS NOT NULL
   AND (last_message_at, id) <= (SELECT last_message_at, id
                                   FROM contacts
                                  WHERE last_message_id IS NOT NULL
                                    AND (last_message_at, id) < ($1::timestamptz, $2::bigint)
                                  ORDER BY last_message_at DESC, id DESC
                                 OFFSET $4
                                  LIMIT 1)
 ORDER BY last_message_at DESC, id DESC
 LIMIT $3
