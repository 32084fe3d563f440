import { readdir, readFile } from "node:fs/promises";
import type pg from "pg";
import type { Logger } from "../logger.ts";
import { MigrationError } from "./errors.ts";

/**
 * Numbered plain SQL files (`001_name.sql`), applied in order, each in its own transaction and recorded
 * in `schema_migrations`. An advisory lock makes concurrent starts wait for each other instead of racing.
 */

const MIGRATIONS_DIR = new URL("./migrations/", import.meta.url);
const LOCK_KEY = 7_412_001;

export type Migration = { version: number; name: string; sql: string };

export async function loadMigrations(): Promise<Migration[]> {
  const files = (await readdir(MIGRATIONS_DIR)).filter((f) => f.endsWith(".sql")).sort();
  return Promise.all(
    files.map(async (file) => {
      const match = /^(\d+)_(.+)\.sql$/.exec(file);
      if (!match) throw new MigrationError(`migration file name must look like 001_name.sql: ${file}`);
      return {
        version: Number(match[1]),
        name: match[2] as string,
        sql: await readFile(new URL(file, MIGRATIONS_DIR), "utf8"),
      };
    }),
  );
}

/** Applies what is pending; returns the versions applied now (empty when up to date). */
export async function migrate(pool: pg.Pool, logger: Logger, migrations?: Migration[]): Promise<number[]> {
  const all = migrations ?? (await loadMigrations());
  const client = await pool.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [LOCK_KEY]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now())`);
    const done = new Set(
      (await client.query<{ version: number }>("SELECT version FROM schema_migrations")).rows.map(
        (r) => r.version,
      ),
    );
    const applied: number[] = [];
    for (const migration of all.filter((m) => !done.has(m.version))) {
      await applyOne(client, migration);
      logger.info({ version: migration.version, name: migration.name }, "migration applied");
      applied.push(migration.version);
    }
    return applied;
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [LOCK_KEY]).catch(() => {});
    client.release();
  }
}

/** The version a fully migrated database carries. */
export const latestVersion = (migrations: Migration[]): number =>
  Math.max(0, ...migrations.map((m) => m.version));

async function applyOne(client: pg.PoolClient, migration: Migration): Promise<void> {
  try {
    await client.query("BEGIN");
    // Schema changes may take longer than a request is allowed to.
    await client.query("SET LOCAL statement_timeout = 0");
    await client.query(migration.sql);
    await client.query("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", [
      migration.version,
      migration.name,
    ]);
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw new MigrationError(
      `migration ${migration.version}_${migration.name} failed and was rolled back: ${(error as Error).message}`,
    );
  }
}
