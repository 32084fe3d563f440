import pg from "pg";
import { runQuery } from "./pool.ts";

/** What PostgreSQL gave the connection at start-up to identify it in a cancel request. */
type BackendKey = { processID: number; secretKey: number; host: string; port: number };

/** pg's protocol connection, with the two methods a cancel request needs (missing from @types/pg). */
type CancelConnection = pg.Connection & {
  connect(portOrPath: number | string, host?: string): void;
  cancel(processID: number, secretKey: number): void;
};

/**
 * Until the returned function is called, an abort of `signal` asks PostgreSQL to cancel whatever `client`
 * runs: the statement fails with 57014 and the connection goes back to the pool healthy. The cancel request
 * travels on a connection of its own (protocol CancelRequest, no login), so it works when the pool is full.
 */
export function cancelOnAbort(client: pg.PoolClient, signal: AbortSignal | undefined): () => void {
  if (!signal) return () => {};
  const cancel = () => sendCancel(client as unknown as BackendKey);
  signal.addEventListener("abort", cancel, { once: true });
  return () => signal.removeEventListener("abort", cancel);
}

const CANCEL_WAIT_MS = 5_000;

function sendCancel({ processID, secretKey, host, port }: BackendKey): void {
  const connection = new pg.Connection() as CancelConnection;
  // Best effort: if the server is gone, so is the query.
  connection.on("error", () => {});
  connection.on("connect", () => {
    connection.cancel(processID, secretKey);
    // The server (or pooler) hangs up once it has handled the request, and libpq waits for that: a client that
    // hangs up first can crash PgBouncer 1.18 ("bad client state", pgbouncer/pgbouncer#801).
    const giveUp = setTimeout(() => connection.end(), CANCEL_WAIT_MS).unref();
    connection.once("end", () => clearTimeout(giveUp));
  });
  if (host.startsWith("/")) connection.connect(`${host}/.s.PGSQL.${port}`);
  else connection.connect(port, host);
}

/**
 * Runs `work` on a pooled connection, cancelled in PostgreSQL if `signal` aborts (the HTTP client went away).
 * A request that gave up while queued for a connection never reaches the database.
 */
export async function withCancellableClient<T>(
  pool: pg.Pool,
  signal: AbortSignal | undefined,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  const stop = cancelOnAbort(client, signal);
  try {
    signal?.throwIfAborted();
    return await work(client);
  } finally {
    stop();
    client.release();
  }
}

/** One statement through withCancellableClient. */
export function queryCancellable<R extends pg.QueryResultRow>(
  pool: pg.Pool,
  config: pg.QueryConfig,
  signal: AbortSignal | undefined,
): Promise<pg.QueryResult<R>> {
  return withCancellableClient(pool, signal, (client) => runQuery<R>(client, config));
}
