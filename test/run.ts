import { spawn } from "node:child_process";
import { chmod, mkdtemp, readdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { loadConfig } from "../src/config.ts";
import { createDatabaseIfMissing, openDatabase, withDatabase } from "../src/db/database.ts";
import { migrate } from "../src/db/migrate.ts";
import { createPool } from "../src/db/pool.ts";
import { createLogger } from "../src/logger.ts";

/**
 * `npm test`: starts a throw-away embedded PostgreSQL on a free port, migrates a template database once,
 * runs every test file with node's test runner (each file clones the template), then removes it all.
 */

const TEMPLATE = "inbox_template";

async function main(): Promise<number> {
  const root = await mkdtemp(path.join(os.tmpdir(), "inbox-test-"));
  // As root, PostgreSQL runs as `postgres`, which must reach the data directory.
  await chmod(root, 0o755);
  const logger = createLogger("warn", false);
  const config = loadConfig({ PG_DATA_DIR: path.join(root, "pg"), PG_PORT: "0", LOG_LEVEL: "warn" });
  const db = await openDatabase(config, logger, "test");
  try {
    const serverUrl = withDatabase(db.url, "postgres");
    await createDatabaseIfMissing(serverUrl, TEMPLATE);
    const pool = createPool({ url: withDatabase(db.url, TEMPLATE), size: 1, statementTimeoutMs: 0, logger });
    await migrate(pool, logger);
    await pool.end();
    return await runTests({ TEST_SERVER_URL: serverUrl, TEST_TEMPLATE: TEMPLATE });
  } finally {
    await db.close();
    await rm(root, { recursive: true, force: true });
  }
}

async function runTests(env: Record<string, string>): Promise<number> {
  const only = process.argv.slice(2);
  const files = only.length > 0 ? only : await testFiles();
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "--test", "--test-concurrency=2", "--test-reporter=spec", ...files],
    { stdio: "inherit", env: { ...process.env, ...env } },
  );
  return new Promise((resolve) => child.on("exit", (code) => resolve(code ?? 1)));
}

async function testFiles(): Promise<string[]> {
  const entries = await readdir("test", { recursive: true });
  return entries
    .filter((f) => f.endsWith(".test.ts"))
    .map((f) => path.join("test", f))
    .sort();
}

process.exitCode = await main();
