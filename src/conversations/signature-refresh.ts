import type { Pool } from "../db/pool.ts";
import type { Logger } from "../logger.ts";

/**
 * Background repair of content signatures (migration 013): a delete or an edit marks a contact's signature
 * inexact, and 1–2 character searches then read that contact's messages instead of trusting its signature.
 * Every interval this recomputes a batch of them from their messages, most recent conversations first (where
 * searches walk). Threads longer than MAX_MESSAGES stay inexact: reading one holds the contact's lock, and so
 * its inserts, for the whole thread (~0.17 ms per message on the 2-core VM).
 */
export type SignatureRefresher = { stop(): void };

const BATCH = 200;
const MAX_MESSAGES = 2_000;

export function startSignatureRefresh(pool: Pool, logger: Logger, intervalMs: number): SignatureRefresher {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    refreshInexactSignatures(pool, BATCH)
      .then(
        (refreshed) => {
          if (refreshed > 0) logger.info({ refreshed }, "content signatures recomputed");
        },
        (error: unknown) => logger.warn({ err: error }, "recomputing content signatures failed"),
      )
      .finally(() => {
        running = false;
      });
  }, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

/** Recomputes up to `limit` inexact signatures, one contact per transaction; answers how many. */
export async function refreshInexactSignatures(pool: Pool, limit: number): Promise<number> {
  const { rows } = await pool.query<{ id: string }>(
    `SELECT id FROM contacts c
      WHERE NOT signature_exact
        AND (SELECT count(*) FROM (SELECT FROM messages m WHERE m.contact_id = c.id LIMIT $2 + 1) t) <= $2
      ORDER BY last_message_at DESC NULLS LAST
      LIMIT $1`,
    [limit, MAX_MESSAGES],
  );
  for (const { id } of rows) await pool.query("SELECT refresh_signature($1)", [id]);
  return rows.length;
}
