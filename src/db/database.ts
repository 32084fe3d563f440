import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import type { Config } from "../config.ts";
import { machine } from "../config.ts";
import type { Logger } from "../logger.ts";
import { startEmbedded } from "./embedded.ts";
import { DatabaseStartError } from "./errors.ts";
import { type ServerProfile, serverSettings } from "./settings.ts";

/**
 * A reachable database and how to release what `openDatabase` started. `url` serves requests; `directUrl`
 * reaches the same database without a pooler (the same URL unless `throughPooler`).
 */
export type Database = {
  url: string;
  directUrl: string;
  throughPooler: boolean;
  embedded: boolean;
  close(): Promise<void>;
};

const EMBEDDED_DATABASE = "inbox";

/**
 * `DATABASE_URL` set: wait for that server, and for `DATABASE_DIRECT_URL` if set (bounded retries with backoff).
 * Not set: start the embedded server and make sure the `inbox` database exists.
 */
export async function openDatabase(
  config: Config,
  logger: Logger,
  profile: ServerProfile = "service",
): Promise<Database> {
  const { url, directUrl, dataDir, embeddedPort, connectRetries } = config.db;
  if (url) {
    await waitUntilReachable(url, connectRetries, logger, { sessionSettings: !directUrl });
    if (directUrl) await waitUntilReachable(directUrl, connectRetries, logger, { sessionSettings: true });
    const direct = { directUrl: directUrl ?? url, throughPooler: directUrl !== undefined };
    return { url, ...direct, embedded: false, close: async () => {} };
  }
  const server = await startEmbedded({
    dataDir,
    port: embeddedPort,
    settings: serverSettings(machine, profile, { replication: config.db.embeddedReplication }),
    logger,
  });
  try {
    await createDatabaseIfMissing(server.url, EMBEDDED_DATABASE);
  } catch (error) {
    await server.stop();
    throw error;
  }
  const inbox = withDatabase(server.url, EMBEDDED_DATABASE);
  return { url: inbox, directUrl: inbox, throughPooler: false, embedded: true, close: server.stop };
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export async function createDatabaseIfMissing(serverUrl: string, name: string, template?: string) {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (rowCount === 0) {
      const from = template ? ` TEMPLATE ${client.escapeIdentifier(template)}` : "";
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}${from}`);
    }
  } finally {
    await client.end();
  }
}

/**
 * `sessionSettings`: connect as the pools will, with start-up settings, so that a pooler which refuses them
 * (PgBouncer: "unsupported startup parameter") is named at once instead of failing the first query.
 */
async function waitUntilReachable(
  url: string,
  retries: number,
  logger: Logger,
  { sessionSettings }: { sessionSettings: boolean },
): Promise<void> {
  const host = new URL(url).host;
  for (let attempt = 0; ; attempt++) {
    const client = new pg.Client({
      connectionString: url,
      connectionTimeoutMillis: 3_000,
      ...(sessionSettings ? { options: "-c timezone=UTC" } : {}),
    });
    try {
      await client.connect();
      await client.end();
      return;
    } catch (error) {
      await client.end().catch(() => {});
      if (/unsupported startup parameter/.test((error as Error).message)) {
        throw new DatabaseStartError(
          `${host} refuses start-up settings (${(error as Error).message}): it looks like a pooler such as ` +
            "PgBouncer. Set DATABASE_DIRECT_URL to a direct connection to the same database, and requests go " +
            "through DATABASE_URL in transaction pooling mode",
        );
      }
      if (attempt >= retries) {
        throw new DatabaseStartError(
          `cannot reach PostgreSQL at ${host} after ${attempt + 1} attempts: ${(error as Error).message}`,
        );
      }
      const delayMs = Math.min(250 * 2 ** attempt, 5_000);
      logger.warn({ host, attempt: attempt + 1, delayMs }, "database not reachable yet, retrying");
      await sleep(delayMs);
    }
  }
}
