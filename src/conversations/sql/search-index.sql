-- Search from the trigram and word-pair indexes (fast when matches are few: rare words, phrases, names, phone
-- digits, no match). messages_content_trgm (on the case-folded copy, migration 008) finds the messages holding
-- the few rare trigrams $8–$10, messages_content_pairs (021) those holding the word pairs $11 ("hey hav" of "like
-- they have"): index-keys.ts chooses them, since GIN's cost is every posting list it intersects, and a common
-- trigram's list is as long as the table. An empty $8 or $11 means no key of that kind: the test folds to true
-- when the statement is planned, and that index is not read. strpos then tests the whole term on the rows the
-- keys leave. The latest matching message per contact is its `match`.
-- contact_search_name_trgm and contact_search_phone_digits_trgm add contacts matching by name or number. The union
-- is then ordered by conversation time; its cost grows with the number of matches, not with page depth.
SELECT c.id, c.name, c.phone_number, c.last_message_id, hits.hit_id, c.last_message_at, c.unread_count
  FROM (SELECT DISTINCT ON (m.contact_id) m.contact_id, m.id AS hit_id
          FROM messages m
         WHERE ($8 = '' OR (m.content_folded LIKE lower($8)
                            AND m.content_folded LIKE lower($9)
                            AND m.content_folded LIKE lower($10)))
           AND (cardinality($11::text[]) = 0 OR word_pair_keys(m.content_folded) @> word_pair_hashes($11))
           AND strpos(m.content_folded, lower($7)) > 0
         ORDER BY m.contact_id, m."timestamp" DESC, m.id DESC) hits
  FULL JOIN (SELECT contact_id FROM contact_search WHERE name ILIKE $5 OR phone_digits LIKE $6) named
       USING (contact_id)
  JOIN contacts c ON c.id = contact_id
 WHERE c.last_message_id IS NOT NULL
   AND (c.last_message_at, c.id) < ($1::timestamptz, $2::bigint)
 ORDER BY c.last_message_at DESC, c.id DESC
OFFSET $4
 LIMIT $3
