-- Every message insert or delete rewrites its contact's row (the last-message pointer). The conversation list
-- reads contacts_conversation_order with index-only scans, which stay index-only only while the visibility map
-- says the table's pages are all-visible; the default (vacuum after 20% of rows changed) let a deep OFFSET page
-- go from 10 ms to 100 ms under write churn. contacts is small (100k rows, ~20 MB): vacuum it after 1%.
ALTER TABLE contacts SET (
  autovacuum_vacuum_scale_factor = 0.01,
  autovacuum_vacuum_threshold = 500,
  autovacuum_vacuum_insert_scale_factor = 0.01
);
