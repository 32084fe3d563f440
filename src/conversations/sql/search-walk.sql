-- Search by walking conversations in order (fast when matches are common: "the", "movie", 2-letter terms).
-- contacts_conversation_order yields conversations newest first; for each, one probe reads that contact's
-- messages newest first through messages_contact_timeline and stops at the first match (LIMIT 1), which is
-- also the `match` to show. The walk stops as soon as $4 + $3 conversations matched.
--
-- The probe tests the case-folded copy (migration 008: what ILIKE computes, without lower-casing every text at
-- every search). For a term of 4+ characters it uses strpos, whose skip-table search beat LIKE's scan by 15–40%
-- per text (250k texts: "basketball" 53 against 75 ms, "love" 69 against 83; "basketball" page 10 walk 28
-- against 37 ms); for 2–3 characters LIKE was faster ("the" 72 against 82). $7 is a constant when the statement
-- is planned, so the CASE folds to one branch. `content_folded || ''` keeps the planner from using the trigram
-- index inside the probe (strpos cannot use it): a bitmap over every match in the table, rebuilt per
-- conversation, is what makes the naive form slow.
-- The probe is an index-only scan: the timeline index carries the folded text (migration 010).
-- A contact is not probed when its content signature (migration 005) lacks one of the term's characters or
-- character pairs, or its trigram bloom (migration 011) one of the term's trigrams. $7 is the term as typed;
-- signature_probe_bits($7) and trigram_probe($7) are folded to constants when the statement is planned (for a
-- term without a trigram, trigram_probe is NULL and the bloom test disappears from the plan).
-- Each test costs a lookup per conversation; a probe saved is worth many ("basketball" page 10: 1,273 probes
-- without the bloom, 502 with it, for 500 matches).
-- $8 bounds how many conversations the walk may examine: a wrong guess costs a bounded amount.
SELECT c.id, c.name, c.phone_number, c.last_message_id, hit.id AS hit_id, c.last_message_at
  FROM (SELECT id, name, phone_number, phone_digits, last_message_id, last_message_at, content_signature
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
           AND CASE WHEN char_length($7) >= 4 THEN strpos(m.content_folded, lower($7)) > 0
                    ELSE (m.content_folded || '') LIKE lower($5) END
         ORDER BY m."timestamp" DESC, m.id DESC
         LIMIT 1) hit ON true
 WHERE hit.id IS NOT NULL OR c.name ILIKE $5 OR c.phone_digits LIKE $6
 ORDER BY c.last_message_at DESC, c.id DESC
OFFSET $4
 LIMIT $3
