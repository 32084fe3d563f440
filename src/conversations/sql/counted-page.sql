-- The page of a counted plan (search-walk-counted.sql, search-postings.sql), included as {{counted_page}} after
-- its candidates `c`, newest first. A candidate matches by name or number, or by content: a contact whose
-- signature holds the term's bits (may_contain) and has no stale bit (signature_exact, 013) has a matching
-- message, so it counts without reading its messages; only one whose signature may be stale is probed (EXISTS).
-- Once the page is known, its rows alone are probed for their newest match ({{newest_match}}).
         WHERE c.name_folded LIKE lower($5)
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
