-- Search through the signature posting lists (migration 016), for a term of one or two letters or digits that
-- few conversations match ("qj", "x7"). Only the contacts posted under the term's highest signature bit (its
-- pair, or its one character) can match it, by content, name or number; the GIN index contact_signature_bits_postings
-- lists them, and their rows come by primary key. They are sorted by conversation time and decided as in the
-- counted walk ({{counted_page}}). Cost: the posting list's length, plus the page's probes; not the number of
-- contacts, which the filter plan (search-filter.sql) reads in full.
-- $7 is the term as typed: signature_probe_bits($7) is folded to a constant when the statement is planned, so
-- the index condition is a constant array.
SELECT c.id, c.name, c.phone_number, c.last_message_id, hit.id AS hit_id, c.last_message_at, c.unread_count
  FROM (SELECT c.id, c.name, c.phone_number, c.last_message_id, c.last_message_at, c.unread_count, c.may_contain
          FROM (SELECT id, name, name_folded, phone_number, phone_digits, last_message_id, last_message_at, unread_count,
                       signature_exact,
                       signature_may_match(content_signature, signature_probe_bits($7)) AS may_contain
                  FROM contacts
                 WHERE id IN (SELECT contact_id FROM contact_signature_bits
                               WHERE bits @> ARRAY[(signature_probe_bits($7))[1]]::smallint[])
                   AND last_message_id IS NOT NULL
                   AND (last_message_at, id) < ($1::timestamptz, $2::bigint)) c
  {{counted_page}}
