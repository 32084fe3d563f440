-- The page of a probing plan (search-filter.sql, search-characters.sql), included as {{probed_page}} after its
-- candidates `c`, sorted newest first: each is probed for its newest match ({{newest_match}}) in that order, and
-- kept when it has one or matches by name or number, until the page is full.
  {{newest_match}}
 WHERE hit.id IS NOT NULL OR c.name_folded LIKE lower($5) OR c.phone_digits LIKE $6
 ORDER BY c.last_message_at DESC, c.id DESC
OFFSET $4
 LIMIT $3
