-- The walk (search-walk.sql) for a term of one or two letters or digits ("zz", "q"), whose characters and pair
-- the content signature (005) records exactly: a contact whose signature has no stale bit (signature_exact,
-- 013) and holds the term's bits has a matching message, so it is counted without reading its messages. Only a
-- contact whose signature may be stale (a message of it was deleted or edited) is probed to decide (EXISTS).
-- Once the page is known, its rows alone are probed for their newest match. "zz" page 10: the plain walk probes
-- every one of the ~500 matches before the page; this one probes the page's 50.
-- Same parameters as the plain walk; $8 bounds how many conversations the walk may examine.
SELECT c.id, c.name, c.phone_number, c.last_message_id, hit.id AS hit_id, c.last_message_at
  FROM (SELECT c.id, c.name, c.phone_number, c.last_message_id, c.last_message_at, c.may_contain
          FROM (SELECT id, name, phone_number, phone_digits, last_message_id, last_message_at, signature_exact,
                       signature_may_match(content_signature, signature_probe_bits($7)) AS may_contain
                  FROM contacts
                 WHERE last_message_id IS NOT NULL
                   AND (last_message_at, id) < ($1::timestamptz, $2::bigint)
                 ORDER BY last_message_at DESC, id DESC
                 LIMIT $8) c
         WHERE c.name ILIKE $5
            OR c.phone_digits LIKE $6
            OR (c.may_contain
                AND (c.signature_exact
                     OR EXISTS (SELECT FROM messages m
                                 WHERE m.contact_id = c.id AND (m.content_folded || '') LIKE lower($5))))
         ORDER BY c.last_message_at DESC, c.id DESC
        OFFSET $4
         LIMIT $3) c
  {{newest_match}}
 ORDER BY c.last_message_at DESC, c.id DESC
