import { isInteractive, loadConfig } from "../config.ts";
import { createLogger, type Logger } from "../logger.ts";
import { openDatabase } from "./database.ts";
import { migrate } from "./migrate.ts";
import { createPool, type Pool } from "./pool.ts";

/**
 * What a command-line tool (migrate, seed, verify) runs on: the configured database (DATABASE_DIRECT_URL, else
 * DATABASE_URL, else the embedded server), migrated, through a pool without a statement timeout; both released
 * when `run` ends.
 */
export async function withMigratedDatabase(
  poolSize: number,
  run: (pool: Pool, logger: Logger, applied: number[]) => Promise<void>,
): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel, isInteractive());
  const db = await openDatabase(config, logger);
  const pool = createPool({ url: db.directUrl, size: poolSize, statementTimeoutMs: 0, logger });
  try {
    await run(pool, logger, await migrate(pool, logger));
  } finally {
    await pool.end();
    await db.close();
  }
}
