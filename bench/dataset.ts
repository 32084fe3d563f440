import { existsSync } from "node:fs";
import { loadConfig } from "../src/config.ts";
import { type Database, openDatabase } from "../src/db/database.ts";
import { migrate } from "../src/db/migrate.ts";
import { createPool, type Pool } from "../src/db/pool.ts";
import { createLogger } from "../src/logger.ts";
import { seed } from "../src/seed/seed.ts";

/** The data set the benchmark and the soak run on: full size in .data/pg, or a small one in .data/bench-quick. */
export type Dataset = { db: Database; pool: Pool; size: { contacts: number; messages: number } };

export const FULL_SIZE = { contacts: 100_000, messages: 5_000_000 };
export const QUICK_SIZE = { contacts: 2_000, messages: 40_000 };

const contentPath = (given?: string) =>
  given ?? ["../shared/data/message_content.csv", "data/message_content.csv"].find((p) => existsSync(p));

/** Opens the database (embedded unless DATABASE_URL), migrates, and seeds it on first use (reused after). */
export async function openDataset(quick: boolean, content?: string): Promise<Dataset> {
  const size = quick ? QUICK_SIZE : FULL_SIZE;
  const config = loadConfig(quick ? { ...process.env, PG_DATA_DIR: ".data/bench-quick" } : process.env);
  const logger = createLogger("warn", false);
  const db = await openDatabase(config, logger);
  const pool = createPool({ url: db.url, size: 2, statementTimeoutMs: 0, logger });
  try {
    await migrate(pool, logger);
    const seeded = await seed(
      pool,
      {
        ...size,
        contentPath: contentPath(content),
        randomSeed: 42,
        reset: false,
        interactive: Boolean(process.stdout.isTTY),
      },
      (line) => console.log(line),
    );
    if (seeded.status === "seeded") console.log(`seeded in ${seeded.totalSeconds.toFixed(1)} s`);
    return { db, pool, size };
  } catch (error) {
    await pool.end();
    await db.close();
    throw error;
  }
}
