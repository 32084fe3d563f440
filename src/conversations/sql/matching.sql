-- Which of the contacts $1 a search term matches, with the list's search semantics: a message's content
-- ($2, the LIKE pattern, against the case-folded copy), the name, or the number's digits ($3). For the change
-- stream's ?searchValue=, a handful of contacts a call: each is decided by its signature (a contact lacking one
-- of the term's bits has no matching message, $4 the term as typed) or by reading its thread newest first
-- through messages_contact_timeline up to the first match.
SELECT c.id
  FROM contacts c
 WHERE c.id = ANY ($1::bigint[])
   AND c.last_message_id IS NOT NULL
   AND (c.name_folded LIKE lower($2)
        OR c.phone_digits LIKE $3
        OR (signature_may_match(c.content_signature, signature_probe_bits($4))
            AND EXISTS (SELECT FROM messages m
                         WHERE m.contact_id = c.id AND (m.content_folded || '') LIKE lower($2))))
