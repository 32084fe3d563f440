import cluster, { type Worker } from "node:cluster";
import { randomBytes } from "node:crypto";
import { type Background, startBackground } from "../background.ts";
import type { Config } from "../config.ts";
import type { SearchSample } from "../conversations/search-sample.ts";
import type { Pool } from "../db/pool.ts";
import { MAX_DRAIN_MS } from "../http/listen.ts";
import type { Logger } from "../logger.ts";
import type { FromWorker, ToWorker } from "./messages.ts";

/**
 * A cluster's primary (WEB_CONCURRENCY > 1): the database is open and migrated; this forks the HTTP workers,
 * which share the port through node:cluster, runs the background work once and hands its results to them.
 * A worker that dies is replaced, with a log line; if the first workers die before any listened, the cluster
 * stops (a port in use, a bad database: replacements would die the same way).
 */
export type Cluster = { stop(): Promise<void>; listening: Promise<string> };

const RESTART_DELAY_MS = 500;
const CACHE_REPORT_MS = 1_000;
/** Connections the primary keeps for itself: the sample, the signature repair, the warm-up. */
export const PRIMARY_POOL_SIZE = 2;

export async function startCluster(
  config: Config,
  logger: Logger,
  target: { databaseUrl: string; directUrl: string; throughPooler: boolean; pool: Pool },
): Promise<Cluster> {
  const { databaseUrl, directUrl, throughPooler, pool } = target;
  const workers = config.http.workers;
  const poolSize = await workerPoolSize(pool, config, throughPooler);
  const cursorSecret = config.cursorSecret ?? randomBytes(32).toString("hex");
  if (!config.cursorSecret) logger.warn("CURSOR_SECRET is not set: cursors will not survive a restart");
  let sample: SearchSample | undefined;
  const send = (worker: Worker, message: ToWorker) => {
    if (worker.isConnected()) worker.send(message);
  };
  const broadcast = (message: ToWorker) => {
    for (const worker of Object.values(cluster.workers ?? {})) if (worker) send(worker, message);
  };
  const background: Background = startBackground(pool, logger, {
    warmCache: config.db.warmCache,
    onSample: (next) => {
      sample = next;
      broadcast({ type: "sample", sample: next });
    },
  });
  const reportCache = setInterval(
    () => broadcast({ type: "cache", progress: background.cache.progress() }),
    CACHE_REPORT_MS,
  );
  void background.cache.done.finally(() => {
    clearInterval(reportCache);
    broadcast({ type: "cache", progress: background.cache.progress() });
  });

  let stopping = false;
  let served = false;
  let failed: (error: Error) => void = () => {};
  let listened: (address: string) => void = () => {};
  const listening = new Promise<string>((resolve, reject) => {
    listened = resolve;
    failed = reject;
  });
  const everListened = new WeakSet<Worker>();
  cluster.setupPrimary({ serialization: "advanced" });
  const fork = () => {
    const worker = cluster.fork();
    worker.on("message", (message: FromWorker) => {
      if (message.type !== "listening-for-start") return;
      send(worker, { type: "start", databaseUrl, directUrl, throughPooler, poolSize, cursorSecret });
      if (sample) send(worker, { type: "sample", sample });
      send(worker, { type: "cache", progress: background.cache.progress() });
    });
    worker.on("listening", (address) => {
      everListened.add(worker);
      logger.info({ worker: worker.id, pid: worker.process.pid }, "HTTP worker listening");
      served = true;
      listened(`http://${config.http.host}:${address.port}`);
    });
    worker.on("exit", (code, signal) => {
      if (stopping) return;
      if (!everListened.has(worker) && !served) {
        failed(
          new Error(
            `an HTTP worker exited before it could serve (code ${code}, signal ${signal}): see its log above`,
          ),
        );
        return;
      }
      logger.warn(
        { worker: worker.id, pid: worker.process.pid, code, signal },
        "HTTP worker exited; starting another",
      );
      setTimeout(() => stopping || fork(), RESTART_DELAY_MS).unref();
    });
  };
  for (let i = 0; i < workers; i++) fork();
  logger.info({ workers, connectionsPerPool: poolSize }, "HTTP workers starting");

  return {
    listening,
    stop: async () => {
      stopping = true;
      clearInterval(reportCache);
      await stopWorkers();
      background.stop();
      await background.cache.done;
    },
  };
}

/** SIGTERM to every worker (each drains), then SIGKILL to any still there after the longest drain. */
async function stopWorkers(): Promise<void> {
  const running = Object.values(cluster.workers ?? {}).filter(
    (w): w is Worker => w !== undefined && !w.isDead(),
  );
  await Promise.all(
    running.map(
      (worker) =>
        new Promise<void>((resolve) => {
          const kill = setTimeout(() => worker.process.kill("SIGKILL"), MAX_DRAIN_MS + 5_000);
          const exited = () => {
            clearTimeout(kill);
            resolve();
          };
          worker.once("exit", exited);
          // A worker stopped by the same signal (Ctrl-C reaches the whole process group) may be gone already.
          if (worker.isDead()) exited();
          else worker.process.kill("SIGTERM");
        }),
    ),
  );
}

/**
 * Each worker's connections per pool: DB_POOL_SIZE shared out, at least one. Two pools per worker and the
 * primary's own must fit in what PostgreSQL accepts, whatever WEB_CONCURRENCY says; if they cannot, the start
 * stops with the numbers rather than failing on connections later.
 */
async function workerPoolSize(pool: Pool, config: Config, throughPooler: boolean): Promise<number> {
  const workers = config.http.workers;
  const perWorker = Math.max(1, Math.ceil(config.db.poolSize / workers));
  // A pooler's own pool sizes bound the server connections, whatever the clients open.
  if (throughPooler) return perWorker;
  const { rows } = await pool.query<{ allowed: number; used: number }>(
    `SELECT current_setting('max_connections')::int - current_setting('superuser_reserved_connections')::int
              - coalesce(current_setting('reserved_connections', true)::int, 0) AS allowed,
            (SELECT count(*)::int FROM pg_stat_activity WHERE backend_type = 'client backend') AS used`,
  );
  const { allowed = 0, used = 0 } = rows[0] ?? {};
  // Two pools per worker, and its listening connection for the change stream.
  const needed = workers * (2 * perWorker + 1);
  const free = allowed - Math.max(used, PRIMARY_POOL_SIZE);
  if (needed > free) {
    throw new Error(
      `WEB_CONCURRENCY=${workers} workers × (2 pools × ${perWorker} connections + 1 listening) = ${needed}, more than the ${free} ` +
        `PostgreSQL has free (max_connections less reserved and in use): lower WEB_CONCURRENCY or DB_POOL_SIZE`,
    );
  }
  return perWorker;
}
