-- Search by walking conversations in order (fast when matches are common: "the", "movie", 2-letter terms).
-- contacts_conversation_order yields conversations newest first; for each, one probe reads that contact's
-- messages newest first through messages_contact_timeline and stops at the first match (LIMIT 1), which is
-- also the `match` to show. The walk stops as soon as $4 + $3 conversations matched.
--
-- The probe tests the case-folded copy (migration 008) index-only (the timeline index carries it, 010): strpos for
-- a term of 4+ characters, LIKE for shorter ones, whichever measured faster (docs/search.md). $7 is a constant
-- when the statement is planned, so the CASE folds to one branch. `content_folded || ''` keeps the planner from
-- rebuilding a trigram bitmap inside every probe.
-- A contact is not probed when its content signature (005) lacks one of the term's characters or pairs, or its
-- trigram bloom (011) one of the term's trigrams; signature_probe_bits($7) and trigram_probe($7) fold to
-- constants (for a term without a trigram the bloom test disappears from the plan).
-- A term holding a posted character is probed only in the contact's messages that hold one, as newest-match.sql
-- explains. $8 bounds how many conversations the walk may examine: a wrong guess costs a bounded amount.
SELECT c.id, c.name, c.phone_number, c.last_message_id, hit.id AS hit_id, c.last_message_at, c.unread_count
  FROM (SELECT id, name, phone_number, phone_digits, last_message_id, last_message_at, unread_count, content_signature
          FROM contacts
         WHERE last_message_id IS NOT NULL
           AND (last_message_at, id) < ($1::timestamptz, $2::bigint)
         ORDER BY last_message_at DESC, id DESC
         LIMIT $8) c
  LEFT JOIN LATERAL (
        SELECT m.id
          FROM messages m
         WHERE signature_may_match(c.content_signature, signature_probe_bits($7))
           AND (trigram_probe($7) IS NULL
                OR (SELECT t.bloom & trigram_probe($7) = trigram_probe($7)
                      FROM contact_trigrams t
                     WHERE t.contact_id = c.id))
           AND m.contact_id = c.id
           AND (NOT text_has_posted_characters(lower($7)) OR text_has_posted_characters(m.content_folded))
           AND CASE WHEN char_length($7) >= 4 THEN strpos(m.content_folded, lower($7)) > 0
                    ELSE (m.content_folded || '') LIKE lower($5) END
         ORDER BY m."timestamp" DESC, m.id DESC
         LIMIT 1) hit ON true
 WHERE hit.id IS NOT NULL OR c.name ILIKE $5 OR c.phone_digits LIKE $6
 ORDER BY c.last_message_at DESC, c.id DESC
OFFSET $4
 LIMIT $3
