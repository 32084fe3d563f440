import { ConfigError, isInteractive, loadConfig } from "../config.ts";
import { createLogger } from "../logger.ts";
import { openDatabase } from "./database.ts";
import { migrate } from "./migrate.ts";
import { createPool } from "./pool.ts";

/** `npm run migrate`: apply pending migrations and exit; a no-op when up to date. */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel, isInteractive());
  const db = await openDatabase(config, logger);
  const pool = createPool({ url: db.url, size: 1, statementTimeoutMs: 0, logger });
  try {
    const applied = await migrate(pool, logger);
    logger.info(applied.length ? `applied migrations ${applied.join(", ")}` : "database is up to date");
  } finally {
    await pool.end();
    await db.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
