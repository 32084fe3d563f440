import pg from "pg";
import type { Logger } from "../logger.ts";

export type Pool = pg.Pool;

export type PoolOptions = {
  url: string;
  size: number;
  statementTimeoutMs: number;
  logger: Logger;
  /**
   * "generic": prepared statements reuse one plan instead of being planned per call. Only for statements
   * whose plan shape cannot go wrong for any value (the conversation list); searches need per-value plans.
   */
  plans?: "per-call" | "generic";
  /**
   * `url` is a pooler in transaction mode (PgBouncer), which hands each transaction to any of its server
   * connections: nothing may live in the session. No start-up settings (the role's defaults carry them, see
   * session-defaults.ts) and no named statements (one would be prepared on one server connection only), so
   * `plans` has no effect.
   */
  throughPooler?: boolean;
};

// bigint (int8) columns: our ids fit in a JS number (2^53) for any realistic table.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number.parseInt(value, 10));
// timestamptz stays text (see timestamps.ts): exact to the microsecond, and no Date built per value.
pg.types.setTypeParser(pg.types.builtins.TIMESTAMPTZ, (value) => value);

/**
 * Every connection carries a statement timeout, so no query can hold a connection longer than that;
 * a timed-out query fails with SQLSTATE 57014 and its connection goes back to the pool healthy. Direct
 * connections send it at start-up; through a pooler it is the role's default (session-defaults.ts).
 */
export function createPool({
  url,
  size,
  statementTimeoutMs,
  logger,
  plans = "per-call",
  throughPooler = false,
}: PoolOptions): Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: size,
    connectionTimeoutMillis: 5_000,
    // Idle connections stay open (pg closes them after 10 s by default). A new one costs the request that opens
    // it ~8 ms to connect, and its backend starts cold: on the 2-core VM with 4 kB pages, its first "basketball"
    // page-10 walk took 73 ms against 41–48 for the next ones on the same connection.
    idleTimeoutMillis: 0,
    application_name: "inbox",
    ...(throughPooler
      ? { Client: UnnamedStatementClient }
      : { options: startupOptions({ ...sessionDefaults(statementTimeoutMs), ...planSettings(plans) }) }),
  });
  // An idle connection dropped by the server emits here; unhandled, it would crash the process.
  // Only the message: pg attaches the whole client (with its connection string) to this error.
  // pool.end() resolves before its connections have closed, so a server stopped right after it (the embedded
  // one, at shutdown) may still terminate one: expected then, not worth a warning.
  pool.on("error", (error) => {
    const level = pool.ending ? "debug" : "warn";
    logger[level]({ reason: error.message }, "idle database connection failed");
  });
  // A connection lost while checked out (e.g. between two statements of a transaction) emits `error` on the
  // client, and with no listener that is an uncaught exception. The statement in flight, or the next one,
  // fails anyway (answered 503) and the pool discards the client on release.
  pool.on("connect", (client) =>
    client.on("error", (error) => logger.debug({ reason: error.message }, "database connection lost")),
  );
  return pool;
}

/** A client that sends every statement unnamed: for a pool that goes through a transaction pooler. */
class UnnamedStatementClient extends pg.Client {}
const namedQuery = pg.Client.prototype.query as (...args: unknown[]) => unknown;
UnnamedStatementClient.prototype.query = function (this: pg.Client, config: unknown, ...rest: unknown[]) {
  const plain =
    typeof config === "object" && config !== null && Object.getPrototypeOf(config) === Object.prototype;
  return namedQuery.call(this, plain ? { ...config, name: undefined } : config, ...rest);
} as typeof pg.Client.prototype.query;

/**
 * The settings every request's session needs: sent at start-up on a direct connection, and made the role's
 * defaults in the database for connections through a pooler, which cannot send them.
 */
export function sessionDefaults(statementTimeoutMs: number): Record<string, string> {
  return {
    statement_timeout: String(statementTimeoutMs),
    idle_in_transaction_session_timeout: String(statementTimeoutMs * 2),
    timezone: "UTC",
  };
}

const planSettings = (plans: PoolOptions["plans"]): Record<string, string> =>
  plans === "generic" ? { plan_cache_mode: "force_generic_plan" } : {};

/** libpq's `options` start-up parameter: `-c name=value` for each setting (values here have no spaces). */
const startupOptions = (settings: Record<string, string>): string =>
  Object.entries(settings)
    .map(([name, value]) => `-c ${name}=${value}`)
    .join(" ");

/**
 * `client.query` through its callback form, for the statements run per request on a checked-out client: with
 * pg's promise form, page bodies were promoted to V8's old generation and collections took twice as long
 * (docs/architecture.md, "Per-request reads use pg's callback form").
 */
export function runQuery<R extends pg.QueryResultRow>(
  client: pg.ClientBase,
  config: pg.QueryConfig,
): Promise<pg.QueryResult<R>> {
  return new Promise((resolve, reject) => {
    client.query<R>(config, (error: Error | undefined, result: pg.QueryResult<R>) =>
      error ? reject(error) : resolve(result),
    );
  });
}
