import type { Pool } from "../db/pool.ts";
import type { Logger } from "../logger.ts";

/**
 * Background repair of content signatures (migration 013): a delete or an edit marks a contact's signature
 * inexact, and 1–2 character searches then read that contact's messages instead of trusting its signature.
 * Every interval this recomputes a batch of them from their messages, most recent conversations first (where
 * searches walk). While batches come back full (a backlog, e.g. after a mass delete) the next one follows after
 * a pause of BACKLOG_PAUSE times the last batch's duration, so the repair keeps to a fifth of one connection.
 * Threads longer than MAX_MESSAGES stay inexact: reading one holds the contact's lock, and so its inserts.
 */
export type SignatureRefresher = { stop(): void };

const BATCH = 200;
const MAX_MESSAGES = 2_000;
const BACKLOG_PAUSE = 4;

export function startSignatureRefresh(pool: Pool, logger: Logger, intervalMs: number): SignatureRefresher {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const schedule = (delayMs: number) => {
    if (stopped) return;
    timer = setTimeout(runBatch, delayMs);
    timer.unref();
  };
  const runBatch = async () => {
    const started = performance.now();
    try {
      const refreshed = await refreshInexactSignatures(pool, BATCH);
      if (refreshed > 0) logger.info({ refreshed }, "content signatures recomputed");
      schedule(refreshed === BATCH ? BACKLOG_PAUSE * (performance.now() - started) : intervalMs);
    } catch (error) {
      logger.warn({ err: error }, "recomputing content signatures failed");
      schedule(intervalMs);
    }
  };
  schedule(intervalMs);
  return {
    stop: () => {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

/**
 * Recomputes up to `limit` inexact signatures, one contact per transaction; answers how many.
 * The inner query sorts the inexact contacts (OFFSET 0 keeps the thread-length test out of it), so the
 * outer LIMIT stops counting threads once it has its batch (docs/performance.md, "Signature repair"). The long
 * threads ahead in the order are counted again each cycle (≤ MAX_MESSAGES + 1 index entries each)
 * and skipped, so they never starve the shorter ones behind them.
 */
export async function refreshInexactSignatures(pool: Pool, limit: number): Promise<number> {
  const { rows } = await pool.query<{ id: string }>(
    `SELECT id
       FROM (SELECT id FROM contacts WHERE NOT signature_exact
              ORDER BY last_message_at DESC NULLS LAST, id DESC OFFSET 0) c
      WHERE (SELECT count(*) FROM (SELECT FROM messages m WHERE m.contact_id = c.id LIMIT $2 + 1) t) <= $2
      LIMIT $1`,
    [limit, MAX_MESSAGES],
  );
  for (const { id } of rows) await pool.query("SELECT refresh_signature($1)", [id]);
  return rows.length;
}
