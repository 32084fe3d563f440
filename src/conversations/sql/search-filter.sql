-- Search by content signature (terms no trigram can narrow, such as 1–2 characters or punctuation, when the sample
-- says they are rare or absent). contacts.content_signature holds which characters and character pairs occur
-- in a contact's messages (migration 005): one pass over the contacts table keeps those whose signature holds
-- all of the term's, plus those matching by name or number; only these are sorted by conversation time and
-- probed in that order, newest message first, with LIKE on the case-folded copy as in the walk (the OFFSET 0
-- fence keeps the sort below the probes, so they stop at the page's end). Cost: one pass over the contacts
-- (not 5M messages), plus a probe per candidate up to the page's end. $7 is the term as typed:
-- signature_probe_bits($7) (migration 007) is folded to a constant when the statement is planned, and
-- signature_may_match inlined to two get_bit calls. Names are compared folded (name_folded, migration 009): the
-- pass tests every contact's name, and ILIKE would lower-case each one again.
SELECT c.id, c.name, c.phone_number, c.last_message_id, hit.id AS hit_id, c.last_message_at, c.unread_count
  FROM (WITH candidates AS MATERIALIZED (
          SELECT id, name, name_folded, phone_number, phone_digits, last_message_id, last_message_at, unread_count,
                 signature_may_match(content_signature, signature_probe_bits($7)) AS may_contain
            FROM contacts
           WHERE last_message_id IS NOT NULL
             AND (last_message_at, id) < ($1::timestamptz, $2::bigint)
             AND (signature_may_match(content_signature, signature_probe_bits($7))
                  OR name_folded LIKE lower($5) OR phone_digits LIKE $6))
        SELECT * FROM candidates ORDER BY last_message_at DESC, id DESC) c
  {{probed_page}}
