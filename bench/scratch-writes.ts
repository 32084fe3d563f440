import type { Pool } from "../src/db/pool.ts";

/**
 * Lets a run post messages and then leave the data set as it found it, so the next run measures the same data:
 * the messages it wrote are deleted, and every contact's search summaries are put back. Inserts widen a contact's
 * content signature and trigram bloom, and the delete marks its signature inexact (migration 013); recomputing
 * them takes minutes (docs/performance.md), and left as they are, later runs' 1–2 character searches would
 * probe those contacts. Valid because the run only adds messages and deletes exactly those.
 */
export async function startScratchWrites(pool: Pool): Promise<{ undo(): Promise<void> }> {
  const { rows } = await pool.query<{ max: number }>(
    "SELECT coalesce(max(id), 0)::float8 AS max FROM messages",
  );
  const lastBefore = rows[0]?.max ?? 0;
  await pool.query("DROP TABLE IF EXISTS bench_saved_summaries");
  await pool.query(
    `CREATE UNLOGGED TABLE bench_saved_summaries AS
       SELECT c.id, c.content_signature, c.signature_exact, t.bloom
         FROM contacts c LEFT JOIN contact_trigrams t ON t.contact_id = c.id`,
  );
  return {
    async undo() {
      await pool.query("DELETE FROM messages WHERE id > $1", [lastBefore]);
      await pool.query(
        `UPDATE contacts c SET content_signature = s.content_signature, signature_exact = s.signature_exact
           FROM bench_saved_summaries s
          WHERE c.id = s.id
            AND (c.content_signature, c.signature_exact) IS DISTINCT FROM (s.content_signature, s.signature_exact)`,
      );
      await pool.query(
        `UPDATE contact_trigrams t SET bloom = s.bloom
           FROM bench_saved_summaries s
          WHERE t.contact_id = s.id AND s.bloom IS NOT NULL AND t.bloom <> s.bloom`,
      );
      await pool.query(
        `DELETE FROM contact_trigrams t USING bench_saved_summaries s WHERE t.contact_id = s.id AND s.bloom IS NULL`,
      );
      await pool.query("DROP TABLE bench_saved_summaries");
      // The churn left dead contact and bloom rows behind.
      await pool.query("VACUUM (ANALYZE) contacts, messages, contact_trigrams");
    },
  };
}
