-- Deep OFFSET pages skip entries: the narrower the entries, the cheaper the skip. The list finds where its page
-- starts in this key-only index, then reads the page's 50 rows from the covering contacts_conversation_order
-- (list.sql). A/B on the 5M data set, OFFSET 99,950: 24–27 ms skipping the covering index, 17 ms with this one.
-- The price is one more btree entry per message insert (the contact's key changes with every message).
CREATE INDEX contacts_conversation_keys ON contacts (last_message_at DESC, id DESC)
  WHERE last_message_id IS NOT NULL;
