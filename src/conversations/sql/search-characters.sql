-- Search through the character posting lists (migrations 017, 018), for a term without a trigram that holds a
-- character above ASCII ("é", "…", "日本", an emoji) or a rare ASCII mark ("q}", "~"), which the content
-- signature cannot narrow. Only the contacts posted under the term's first such character can match it, by
-- content or name; the GIN index contact_characters_postings lists them. They are sorted by conversation time
-- and probed newest first, as in the filter plan (search-filter.sql), until the page is full; a candidate whose content
-- signature rules the term out ("j~" needs a "j" before a mark or space) is not probed. Cost: the posting list's
-- length, plus a probe per candidate up to the page's end; not the number of contacts. $7 is the term as typed:
-- text_posted_characters(lower($7)) folds to a constant when the statement is planned.
SELECT c.id, c.name, c.phone_number, c.last_message_id, hit.id AS hit_id, c.last_message_at, c.unread_count
  FROM (WITH candidates AS MATERIALIZED (
          SELECT id, name, name_folded, phone_number, phone_digits, last_message_id, last_message_at, unread_count,
                 signature_may_match(content_signature, signature_probe_bits($7)) AS may_contain
            FROM contacts
           WHERE id IN (SELECT contact_id FROM contact_characters
                         WHERE characters @> ARRAY[(text_posted_characters(lower($7)))[1]])
             AND last_message_id IS NOT NULL
             AND (last_message_at, id) < ($1::timestamptz, $2::bigint))
        SELECT * FROM candidates ORDER BY last_message_at DESC, id DESC) c
  {{probed_page}}
