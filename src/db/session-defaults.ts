import pg from "pg";
import type { Logger } from "../logger.ts";
import { sqlstate } from "./errors.ts";
import { type Pool, sessionDefaults } from "./pool.ts";

/**
 * A connection through a transaction pooler cannot choose its settings at start-up (PgBouncer refuses the
 * `options` and `statement_timeout` parameters), and a `SET` would stay on whichever server connection ran it.
 * So the role's defaults in this database carry them: PostgreSQL applies those to every new server connection.
 * Set over the direct connection, then read back through the pooler.
 */
export async function useSessionDefaults(
  direct: Pool,
  pooledUrl: string,
  statementTimeoutMs: number,
  logger: Logger,
): Promise<void> {
  const settings = sessionDefaults(statementTimeoutMs);
  await applySessionDefaults(direct, settings, logger);
  const differing = await settingsDiffering(pooledUrl, settings);
  if (differing.length === 0) return;
  // Server connections the pooler opened before keep their settings until it closes them. Timestamps stay
  // right whatever the time zone (timestamps.ts); queries there run without our statement timeout meanwhile.
  logger.warn(
    { differing },
    "a session through DATABASE_URL runs without the role's defaults: the pooler holds server connections " +
      "opened before they were set, until it closes them (PgBouncer: server_lifetime, or RECONNECT in its admin console)",
  );
}

async function applySessionDefaults(
  direct: Pool,
  settings: Record<string, string>,
  logger: Logger,
): Promise<void> {
  const client = await direct.connect();
  try {
    const { rows } = await client.query<{ db: string }>("SELECT current_database() AS db");
    const database = client.escapeIdentifier(rows[0]?.db ?? "");
    for (const [name, value] of Object.entries(settings)) {
      await client.query(
        `ALTER ROLE CURRENT_USER IN DATABASE ${database} SET ${name} = ${client.escapeLiteral(value)}`,
      );
    }
    logger.info(
      { settings },
      "session defaults set on the database role, for connections through the pooler",
    );
  } catch (error) {
    // A role may not alter itself in some managed services: an administrator may have set them; the check tells.
    if (sqlstate(error) !== "42501") throw error;
    logger.warn({ reason: (error as Error).message }, "cannot set the role's session defaults");
  } finally {
    client.release();
  }
}

/** The settings a session opened through `pooledUrl` does not run with, as `name=actual (wanted value)`. */
async function settingsDiffering(pooledUrl: string, settings: Record<string, string>): Promise<string[]> {
  const client = new pg.Client({ connectionString: pooledUrl, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    const names = Object.keys(settings);
    const { rows } = await client.query<{ name: string; setting: string }>(
      "SELECT lower(name) AS name, setting FROM pg_settings WHERE lower(name) = ANY($1)",
      [names],
    );
    const actual = new Map(rows.map((r) => [r.name, r.setting]));
    return names
      .filter((name) => actual.get(name) !== settings[name])
      .map((name) => `${name}=${actual.get(name)} (wanted ${settings[name]})`);
  } finally {
    await client.end();
  }
}
