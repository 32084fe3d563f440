import cluster from "node:cluster";
import type { Server } from "node:http";
import { serveApi, warnIfOpen } from "./api.ts";
import { startBackground } from "./background.ts";
import { parseHelpOnly } from "./cli-options.ts";
import { type Cluster, PRIMARY_POOL_SIZE, startCluster } from "./cluster/primary.ts";
import { runWorker } from "./cluster/worker.ts";
import { CONFIG_VARIABLES, type Config, ConfigError, isInteractive, loadConfig } from "./config.ts";
import { type Database, openDatabase } from "./db/database.ts";
import { reportHugePages } from "./db/huge-pages.ts";
import { latestVersion, loadMigrations, migrate } from "./db/migrate.ts";
import { createPool, type Pool } from "./db/pool.ts";
import { createReplicaPools } from "./db/replicas.ts";
import { useSessionDefaults } from "./db/session-defaults.ts";
import { boundPort, drain } from "./http/listen.ts";
import { onStop } from "./lifecycle.ts";
import { createLogger, type Logger } from "./logger.ts";
import { seedIfEmpty } from "./seed/seed-on-start.ts";
import { createServices } from "./services.ts";

/**
 * `npm start`: database (embedded or DATABASE_URL), migrations, seed when empty, then HTTP: from this process
 * (WEB_CONCURRENCY=1) or from workers it forks (src/cluster/). Owns the process: signals, crash handling, and
 * the order things are released in. `npm start` execs node (no shell or tsx CLI in between), so the signal npm
 * forwards reaches this process and npm waits for its drain.
 */

const HELP = `Usage: npm start

Starts Inbox: the database (DATABASE_URL, or an embedded PostgreSQL kept in PG_DATA_DIR), its migrations, a
seed when it is empty (SEED_ON_START), then the HTTP API on HOST:PORT, served by WEB_CONCURRENCY worker
processes (default: one per core). Ctrl-C, SIGINT or SIGTERM (to npm or to this process) stops it, and so does
the exit of the process that started it: requests in flight finish first, then the database.

Configured by environment variables only (each one, with its default, in .env.example and the README):
${wrapWords(CONFIG_VARIABLES, 110, "  ")}

Options:
  -h, --help       show this help

Exit codes: 0 stopped by a signal, 1 failure (configuration, database, port), 2 usage error.`;

type Running = {
  server?: Server;
  cluster?: Cluster;
  pools?: Pool[];
  db?: Database;
  stopBackground?: () => Promise<void> | undefined;
  closeStreams?: () => void;
};

async function main(): Promise<void> {
  parseHelpOnly(process.argv.slice(2), HELP);
  const config = readConfigOrExit();
  const logger = createLogger(config.logLevel, isInteractive());
  if (cluster.isWorker) {
    // A worker that cannot start says why and exits 1; its primary then stops the cluster.
    await runWorker(config, logger).catch((error: unknown) => {
      logger.fatal((error as Error).message);
      process.exit(1);
    });
    return;
  }
  const running: Running = {};
  onStop(() => release(running, logger), logger);
  try {
    await start(config, logger, running);
  } catch (error) {
    logger.fatal((error as Error).message);
    await release(running, logger);
    process.exit(1);
  }
}

async function start(config: Config, logger: Logger, running: Running): Promise<void> {
  const db = await openDatabase(config, logger);
  running.db = db;
  const clustered = config.http.workers > 1;
  const base = { logger, statementTimeoutMs: config.db.statementTimeoutMs };
  // This process's own connections, direct: migrations and the seed, then the requests too unless a cluster's
  // workers or a pooler serve them (then only the background work).
  const ownsRequests = !clustered && !db.throughPooler;
  const pool = createPool({
    ...base,
    url: db.directUrl,
    size: ownsRequests ? config.db.poolSize : PRIMARY_POOL_SIZE,
  });
  running.pools = [pool];
  const migrations = await loadMigrations();
  await migrate(pool, logger, migrations);
  await reportHugePages(pool, logger);
  if (db.throughPooler) await useSessionDefaults(pool, db.url, config.db.statementTimeoutMs, logger);
  if (config.seed.onStart) await seedIfEmpty(db.directUrl, config.seed, logger);
  warnIfOpen(config, logger);
  if (clustered) {
    const target = { databaseUrl: db.url, directUrl: db.directUrl, throughPooler: db.throughPooler, pool };
    running.cluster = await startCluster(config, logger, target);
    logger.info(`Inbox listening on ${await running.cluster.listening}`);
    return;
  }
  const requests = { ...base, url: db.url, size: config.db.poolSize, throughPooler: db.throughPooler };
  const requestPool = ownsRequests ? pool : createPool(requests);
  const listPool = createPool({ ...requests, plans: "generic" });
  const replicas = createReplicaPools(config.db.readUrls, { ...base, size: config.db.poolSize });
  running.pools.push(...(ownsRequests ? [listPool] : [requestPool, listPool]));
  running.pools.push(...replicas.flatMap((r) => [r.pool, r.listPool]));
  const services = await createServices({ pool: requestPool, listPool, replicas }, logger, {
    cursorSecret: config.cursorSecret,
    warmCache: config.db.warmCache,
    background: ownsRequests ? undefined : startBackground(pool, logger, { warmCache: config.db.warmCache }),
    changesUrl: db.directUrl,
    replicaMaxLagMs: config.db.replicaMaxLagMs,
  });
  running.stopBackground = services.stop;
  running.closeStreams = services.closeStreams;
  const latestMigration = latestVersion(migrations);
  running.server = await serveApi(config, logger, { pool: requestPool, services, latestMigration });
  logger.info(`Inbox listening on http://${config.http.host}:${boundPort(running.server)}`);
}

/** HTTP first (stop accepting, drain; or the workers, each draining), then the pools, then the embedded server. */
async function release(running: Running, logger: Logger): Promise<void> {
  running.closeStreams?.();
  if (running.server) await drain(running.server);
  await running.cluster?.stop();
  await running.stopBackground?.();
  for (const pool of running.pools ?? []) {
    await pool.end().catch((error: unknown) => logger.warn({ err: error }, "closing a pool failed"));
  }
  await running.db?.close();
}

/** Words joined by ", " into lines of at most `width` characters, each line indented. */
function wrapWords(words: readonly string[], width: number, indent: string): string {
  const lines = [indent];
  for (const [i, word] of words.entries()) {
    const piece = i < words.length - 1 ? `${word}, ` : word;
    if ((lines.at(-1) as string).length + piece.trimEnd().length > width) lines.push(indent);
    lines[lines.length - 1] += piece;
  }
  return lines.map((line) => line.trimEnd()).join("\n");
}

function readConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}

await main();
