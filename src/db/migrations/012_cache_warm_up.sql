-- pg_prewarm (contrib, shipped with PostgreSQL like pg_trgm): the server reads the tables and indexes into the
-- buffer cache after a start (src/db/warm-up.ts), so the first minutes after a restart do not wait on the disk.
CREATE EXTENSION IF NOT EXISTS pg_prewarm;
