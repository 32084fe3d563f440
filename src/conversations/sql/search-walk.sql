-- Search by walking conversations in order (fast when matches are common: "the", "movie", 2-letter terms).
-- contacts_conversation_order yields conversations newest first; for each, one probe reads that contact's
-- messages newest first through messages_contact_timeline and stops at the first match (LIMIT 1), which is
-- also the `match` to show. The walk stops as soon as $4 + $3 conversations matched.
--
-- The probe compares the case-folded copy with LIKE (migration 008: what ILIKE computes, without lower-casing
-- every text at every search). `content_folded || ''` keeps the planner from using the trigram index inside the
-- probe: a bitmap over every match in the table, rebuilt per conversation, is what makes the naive form slow.
-- A contact whose content signature (migration 005) lacks one of the term's characters or character pairs is
-- not probed: $7 is the term as typed, signature_probe_bits($7) (migration 007) is folded to a constant when the
-- statement is planned, and signature_may_match inlined to two get_bit calls.
-- Reading the signature costs a heap visit per conversation; a probe saved is worth many.
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
           AND m.contact_id = c.id
           AND (m.content_folded || '') LIKE lower($5)
         ORDER BY m."timestamp" DESC, m.id DESC
         LIMIT 1) hit ON true
 WHERE hit.id IS NOT NULL OR c.name ILIKE $5 OR c.phone_digits LIKE $6
 ORDER BY c.last_message_at DESC, c.id DESC
OFFSET $4
 LIMIT $3
