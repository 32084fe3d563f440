-- The search probes (walk and filter plans) read one contact's messages newest first and test each folded text
-- with LIKE. With the folded text in the timeline index (INCLUDE), a probe is an index-only range scan: the
-- contact's entries lie side by side in a few leaf pages, instead of one heap visit per message tested.
-- Measured on the 5M data set (this machine's 2-core VM), through the API: the walk for "zz" page 10 90–105 →
-- 34–36 ms, page 5 44–50 → 24–29 ms, "basketball" page 1 18–20 → 9–13 ms. (The same experiment before 008
-- gained nothing: then ILIKE's lower-casing of every text was the cost, not the heap visits.)
-- The price: the index grows from 246 to 784 MB (built in 10–40 s at 5M). It replaces the plain timeline index,
-- whose users (thread pages, the delete trigger's "previous latest") read the same key order.
CREATE INDEX messages_contact_timeline_folded ON messages (contact_id, "timestamp" DESC, id DESC)
  INCLUDE (content_folded);
DROP INDEX messages_contact_timeline;
ALTER INDEX messages_contact_timeline_folded RENAME TO messages_contact_timeline;

-- Index-only only while the visibility map says the heap page is all-visible: every new message's page is not,
-- until a vacuum. By default an insert-only table is vacuumed after 20% new rows (1M at 5M), so under a steady
-- ingest the walk region, where new messages land, turned back to heap visits: after 70k posts, "basketball"
-- page 10 made 21,295 heap fetches. After 1% (50k at 5M) instead; such a vacuum only visits the new pages.
ALTER TABLE messages SET (autovacuum_vacuum_insert_scale_factor = 0.01);
