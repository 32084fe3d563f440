import { existsSync } from "node:fs";
import { loadConfig } from "../src/config.ts";
import { type Database, openDatabase } from "../src/db/database.ts";
import { migrate } from "../src/db/migrate.ts";
import { createPool, type Pool } from "../src/db/pool.ts";
import { createLogger } from "../src/logger.ts";
import { seed } from "../src/seed/seed.ts";
import { formatSummary } from "../src/seed/summary.ts";

/**
 * The data set the benchmark and the soak run on: full size in .data/pg, N times it in .data/pg-scale-N, or a
 * small one in .data/bench-quick (for the first two, PG_DATA_DIR or DATABASE_URL say where instead). A populated
 * database is used as it is: `size` is what it holds, not what was asked.
 */
export type Dataset = {
  db: Database;
  pool: Pool;
  size: { contacts: number; messages: number };
  /** The embedded server's data directory; undefined with DATABASE_URL. */
  dataDir: string | undefined;
};

export const FULL_SIZE = { contacts: 100_000, messages: 5_000_000 };
export const QUICK_SIZE = { contacts: 2_000, messages: 40_000 };

const contentPath = (given?: string) =>
  given ?? ["../shared/data/message_content.csv", "data/message_content.csv"].find((p) => existsSync(p));

/** `replica`: the embedded server feeds streaming replicas (PG_REPLICATION), for the replica comparison. */
export type DatasetChoice = { quick: boolean; scale?: number; content?: string; replica?: boolean };

/** Opens the database (embedded unless DATABASE_URL), migrates, and seeds it on first use (reused after). */
export async function openDataset({ quick, scale = 1, content, replica }: DatasetChoice): Promise<Dataset> {
  const wanted = quick ? QUICK_SIZE : scaled(scale);
  // --quick always uses its own directory: a small data set never lands beside, or in, a full one.
  const config = loadConfig(
    quick
      ? { ...process.env, PG_DATA_DIR: ".data/bench-quick" }
      : { PG_DATA_DIR: scale === 1 ? ".data/pg" : `.data/pg-scale-${scale}`, ...process.env },
  );
  const logger = createLogger("warn", false);
  const db = await openDatabase(
    replica ? { ...config, db: { ...config.db, embeddedReplication: true } } : config,
    logger,
  );
  const pool = createPool({ url: db.url, size: 2, statementTimeoutMs: 0, logger });
  try {
    await migrate(pool, logger);
    const seeded = await seed(
      pool,
      {
        ...wanted,
        contentPath: contentPath(content),
        randomSeed: 42,
        reset: false,
        interactive: Boolean(process.stdout.isTTY),
      },
      (line) => console.log(line),
    );
    if (seeded.status === "seeded") for (const line of formatSummary(seeded)) console.log(line);
    return { db, pool, size: await countRows(pool), dataDir: db.embedded ? config.db.dataDir : undefined };
  } catch (error) {
    await pool.end();
    await db.close();
    throw error;
  }
}

function scaled(scale: number) {
  return {
    contacts: Math.round(FULL_SIZE.contacts * scale),
    messages: Math.round(FULL_SIZE.messages * scale),
  };
}

/** Estimates from the statistics (exact after the seed's ANALYZE): counting 50M rows would take a minute. */
async function countRows(pool: Pool): Promise<{ contacts: number; messages: number }> {
  const { rows } = await pool.query<{ contacts: number; messages: number }>(
    `SELECT greatest((SELECT reltuples FROM pg_class WHERE oid = 'contacts'::regclass), 0)::float8 AS contacts,
            greatest((SELECT reltuples FROM pg_class WHERE oid = 'messages'::regclass), 0)::float8 AS messages`,
  );
  return { contacts: rows[0]?.contacts ?? 0, messages: rows[0]?.messages ?? 0 };
}
