-- The search walk (search-walk.sql, search-walk-counted.sql) reads conversations newest first and tests each
-- contact's content signature (005, 013) before probing its messages. The signature was not in the covering
-- index, so the planner read the walk from the key-only contacts_conversation_keys (004) plus a heap visit per
-- conversation: ~8 ms of a "basketball" page-10 walk's 2,672 conversations. Carried in the index, the walk is
-- an index-only scan (~1 ms). Alternating with and without on the 5M data set, the page-10 walk statement:
-- 37.5 and 40.9 ms against 47.2 and 49.9 (medians of nine), page 5: 19.7 and 21.2 against 24.7 and 25.8.
-- The price: 176 more bytes per entry, and a write that only widens a signature now rewrites the entry, where
-- it could stay a heap-only update. Every message insert that moves the conversation rewrites the entry anyway:
-- ingest through the API (32 connections, 8 s, three rounds alternating the two definitions) 2,706, 2,997 and
-- 2,164 messages/s with the signature columns, 2,645, 2,913 and 2,160 without.
-- Page 1's 50 entries span a leaf page or two either way (docs/plans.md: its index scan touched 9 buffers
-- after the rebuild, 11 before).
DROP INDEX contacts_conversation_order;
CREATE INDEX contacts_conversation_order ON contacts (last_message_at DESC, id DESC)
  INCLUDE (name, phone_number, phone_digits, last_message_id, content_signature, signature_exact)
  WHERE last_message_id IS NOT NULL;
