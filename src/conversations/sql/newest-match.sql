-- A conversation's newest matching message (the row's `match`), read through messages_contact_timeline newest
-- first up to the first match; skipped when the contact's signature rules the term out (c.may_contain).
-- Included as {{newest_match}} by probed-page.sql and counted-page.sql. `content_folded || ''` keeps
-- the planner off the trigram index inside the probe (search-walk.sql says why).
-- A term holding a posted character (migration 018) can only be in a message holding one. The test on lower($7)
-- folds to a constant when the statement is planned: for such a term the probe reads only the contact's few
-- messages that hold one, through the partial index messages_posted_timeline; for any other, it vanishes.
LEFT JOIN LATERAL (
      SELECT m.id
        FROM messages m
       WHERE c.may_contain
         AND m.contact_id = c.id
         AND (NOT text_has_posted_characters(lower($7)) OR text_has_posted_characters(m.content_folded))
         AND (m.content_folded || '') LIKE lower($5)
       ORDER BY m."timestamp" DESC, m.id DESC
       LIMIT 1) hit ON true
