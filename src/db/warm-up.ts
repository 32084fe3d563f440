import type { Logger } from "../logger.ts";
import type { Pool } from "./pool.ts";
import { readOnlyWith } from "./transaction.ts";

/**
 * Reads the app's tables and indexes into PostgreSQL's buffer cache after a start (pg_prewarm, migration 012),
 * smallest first, as far as shared_buffers holds them. A started server's cache is empty, and until the pages
 * a request touches are cached it waits on the disk (docs/performance.md, "The cache warm-up").
 *
 * Requests are served meanwhile; /readyz reports the progress. `stop` (at shutdown) ends it after the chunk in
 * flight, before the pool it reads through is closed under it.
 */
export type CacheWarmUp = { progress(): CacheProgress; done: Promise<void>; stop(): void };

export type CacheProgress =
  | { state: "off" | "failed" }
  | { state: "warming" | "warm"; loadedMb: number; totalMb: number };

export type Relation = { name: string; blocks: number };

/** Blocks per pg_prewarm call (32 MB), each call in a transaction of its own. */
const CHUNK_BLOCKS = 4096;
/** Background work, allowed more than a request: a cold disk here read 32 MB in over 5 s. */
const CHUNK_TIMEOUT_MS = 120_000;
/** Of shared_buffers, the share the warm-up may fill: the rest stays free for what queries bring in. */
const BUDGET_SHARE = 0.9;
/** PostgreSQL's default 8 kB blocks (pg_settings reports shared_buffers in them too). */
const BLOCKS_PER_MB = 128;

export const cacheWarmUpOff: CacheWarmUp = {
  progress: () => ({ state: "off" }),
  done: Promise.resolve(),
  stop: () => {},
};

export function startCacheWarmUp(pool: Pool, logger: Logger): CacheWarmUp {
  let progress: CacheProgress = { state: "warming", loadedMb: 0, totalMb: 0 };
  let stopped = false;
  const report = (loaded: number, total: number) => {
    progress = { state: loaded < total ? "warming" : "warm", loadedMb: toMb(loaded), totalMb: toMb(total) };
  };
  const done = warm(pool, logger, report, () => stopped).catch((error: unknown) => {
    progress = { state: "failed" };
    logger.warn(
      { err: error },
      "warming the database cache failed; pages are read from disk as requests need them",
    );
  });
  return {
    progress: () => progress,
    done,
    stop: () => {
      stopped = true;
    },
  };
}

/**
 * The relations to warm within `budgetBlocks`, smallest first: small relations are the hot ones (the
 * conversation order, contacts, their search indexes), and a relation that does not fit whole is skipped, so
 * the warm-up never evicts what it loaded before.
 */
export function chooseRelations(
  relations: Relation[],
  budgetBlocks: number,
): { warm: Relation[]; skip: Relation[] } {
  const warm: Relation[] = [];
  const skip: Relation[] = [];
  let left = budgetBlocks;
  for (const relation of [...relations].sort((a, b) => a.blocks - b.blocks)) {
    if (relation.blocks <= left) {
      warm.push(relation);
      left -= relation.blocks;
    } else {
      skip.push(relation);
    }
  }
  return { warm, skip };
}

async function warm(
  pool: Pool,
  logger: Logger,
  report: (loaded: number, total: number) => void,
  stopped: () => boolean,
): Promise<void> {
  const started = Date.now();
  const { relations, sharedBlocks } = await listRelations(pool);
  const { warm, skip } = chooseRelations(relations, Math.floor(sharedBlocks * BUDGET_SHARE));
  const total = warm.reduce((sum, r) => sum + r.blocks, 0);
  for (const r of skip)
    logger.warn(`${r.name} (${toMb(r.blocks)} MB) does not fit in shared_buffers: not warmed`);
  logger.info(`warming the database cache: ${toMb(total)} MB in ${warm.length} relations`);
  let loaded = 0;
  report(loaded, total);
  for (const relation of warm) {
    for (let first = 0; first < relation.blocks; first += CHUNK_BLOCKS) {
      if (stopped()) {
        logger.info(`cache warm-up stopped at ${toMb(loaded)} of ${toMb(total)} MB`);
        return;
      }
      const last = Math.min(first + CHUNK_BLOCKS, relation.blocks) - 1;
      loaded += await prewarm(pool, relation.name, first, last);
      report(loaded, total);
    }
  }
  report(total, total);
  logger.info(`database cache warm: ${toMb(loaded)} MB in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** The current schema's tables, indexes and materialised views, with their size in blocks. */
async function listRelations(pool: Pool): Promise<{ relations: Relation[]; sharedBlocks: number }> {
  const { rows } = await pool.query<Relation & { shared_blocks: number }>(
    `SELECT c.oid::regclass::text AS name,
            (pg_relation_size(c.oid) / current_setting('block_size')::int)::int AS blocks,
            (SELECT setting::int FROM pg_settings WHERE name = 'shared_buffers') AS shared_blocks
       FROM pg_class c
      WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'i', 'm')`,
  );
  return {
    relations: rows.map(({ name, blocks }) => ({ name, blocks })),
    sharedBlocks: rows[0]?.shared_blocks ?? 0,
  };
}

/** Loads blocks first..last; a relation that shrank since it was listed (vacuum truncates) loads what is left. */
async function prewarm(pool: Pool, relation: string, first: number, last: number): Promise<number> {
  const settings = { statement_timeout: String(CHUNK_TIMEOUT_MS) };
  const { rows } = await readOnlyWith(pool, settings, (db) =>
    db.query<{ blocks: number }>(
      `SELECT coalesce(pg_prewarm(r, 'buffer', 'main', $2, least($3, size - 1)), 0)::int AS blocks
       FROM (SELECT $1::regclass AS r, pg_relation_size($1::regclass) / current_setting('block_size')::int AS size) s
      WHERE size > $2`,
      [relation, first, last],
    ),
  );
  return rows[0]?.blocks ?? 0;
}

function toMb(blocks: number): number {
  return Math.round(blocks / BLOCKS_PER_MB);
}
