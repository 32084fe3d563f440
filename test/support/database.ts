import { randomBytes } from "node:crypto";
import pg from "pg";
import { createDatabaseIfMissing, withDatabase } from "../../src/db/database.ts";
import { createPool, type Pool } from "../../src/db/pool.ts";
import { createLogger } from "../../src/logger.ts";

/** A fresh, migrated database for one test file, cloned from the template `npm test` prepared. */
export type TestDatabase = { url: string; pool: Pool; drop(): Promise<void> };

export const testLogger = createLogger("silent", false);

export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = process.env.TEST_SERVER_URL;
  const template = process.env.TEST_TEMPLATE;
  if (!serverUrl || !template) throw new Error("run tests with `npm test`: it starts the database they need");
  const name = `test_${randomBytes(6).toString("hex")}`;
  await createDatabaseIfMissing(serverUrl, name, template);
  const url = withDatabase(serverUrl, name);
  const pool = createPool({ url, size: 20, statementTimeoutMs: 30_000, logger: testLogger });
  return {
    url,
    pool,
    async drop() {
      await pool.end();
      const admin = new pg.Client({ connectionString: serverUrl });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

/** Backends of the database `db` is connected to waiting on a lock (searches stuck behind a test's table lock). */
export async function lockWaiters(db: Pick<pg.Pool, "query"> | pg.Client): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_stat_activity
      WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`,
  );
  return rows[0]?.n ?? 0;
}
