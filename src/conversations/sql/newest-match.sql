-- A conversation's newest matching message (the row's `match`), read through messages_contact_timeline newest
-- first up to the first match; skipped when the contact's signature rules the term out (c.may_contain).
-- Included as {{newest_match}} by probed-page.sql and counted-page.sql. `content_folded || ''` keeps
-- the planner off the trigram index inside the probe (search-walk.sql says why).
LEFT JOIN LATERAL (
      SELECT m.id
        FROM messages m
       WHERE c.may_contain
         AND m.contact_id = c.id
         AND (m.content_folded || '') LIKE lower($5)
       ORDER BY m."timestamp" DESC, m.id DESC
       LIMIT 1) hit ON true
