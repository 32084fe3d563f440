import type { Config } from "../config.ts";
import { isInteractive } from "../config.ts";
import { createPool } from "../db/pool.ts";
import type { Logger } from "../logger.ts";
import { seed } from "./seed.ts";
import { formatSummary } from "./summary.ts";

/** `npm start` on an empty database seeds it first, with the SEED_* settings. */
export async function seedIfEmpty(url: string, options: Config["seed"], logger: Logger): Promise<void> {
  const pool = createPool({ url, size: 1, statementTimeoutMs: 0, logger });
  try {
    const result = await seed(pool, { ...options, reset: false, interactive: isInteractive() }, (line) =>
      logger.info(line),
    );
    if (result.status === "seeded") for (const line of formatSummary(result)) logger.info(line);
  } finally {
    await pool.end();
  }
}
