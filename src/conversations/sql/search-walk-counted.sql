-- The walk (search-walk.sql) for a term of one or two letters or digits ("zz", "q"), whose characters and pair
-- the content signature (005) records exactly, so most contacts are decided without reading their messages
-- ({{counted_page}}). "zz" page 10: the plain walk probes every one of the ~500 matches before the page; this
-- one probes the page's 50. Same parameters as the plain walk; $8 bounds how many conversations it examines.
SELECT c.id, c.name, c.phone_number, c.last_message_id, hit.id AS hit_id, c.last_message_at, c.unread_count
  FROM (SELECT c.id, c.name, c.phone_number, c.last_message_id, c.last_message_at, c.unread_count, c.may_contain
          FROM (SELECT id, name, name_folded, phone_number, phone_digits, last_message_id, last_message_at, unread_count,
                       signature_exact,
                       signature_may_match(content_signature, signature_probe_bits($7)) AS may_contain
                  FROM contacts
                 WHERE last_message_id IS NOT NULL
                   AND (last_message_at, id) < ($1::timestamptz, $2::bigint)
                 ORDER BY last_message_at DESC, id DESC
                 LIMIT $8) c
  {{counted_page}}
