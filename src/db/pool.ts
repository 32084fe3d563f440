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
};

// bigint (int8) columns: our ids fit in a JS number (2^53) for any realistic table.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number.parseInt(value, 10));
// timestamptz stays text (see timestamps.ts): exact to the microsecond, and no Date built per value.
pg.types.setTypeParser(pg.types.builtins.TIMESTAMPTZ, (value) => value);

/**
 * Every connection carries a statement timeout, so no query can hold a connection longer than that;
 * a timed-out query fails with SQLSTATE 57014 and its connection goes back to the pool healthy.
 */
export function createPool({ url, size, statementTimeoutMs, logger, plans = "per-call" }: PoolOptions): Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: size,
    statement_timeout: statementTimeoutMs,
    idle_in_transaction_session_timeout: statementTimeoutMs * 2,
    connectionTimeoutMillis: 5_000,
    // Idle connections stay open (pg closes them after 10 s by default). A new one costs the request that opens
    // it ~8 ms to connect, and its backend starts cold: on the 2-core VM with 4 kB pages, its first "basketball"
    // page-10 walk took 73 ms against 41–48 for the next ones on the same connection.
    idleTimeoutMillis: 0,
    application_name: "inbox",
    options: `-c timezone=UTC${plans === "generic" ? " -c plan_cache_mode=force_generic_plan" : ""}`,
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
