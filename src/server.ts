import type { Server } from "node:http";
import { parseHelpOnly } from "./cli-options.ts";
import { CONFIG_VARIABLES, type Config, ConfigError, isInteractive, loadConfig } from "./config.ts";
import { type Database, openDatabase } from "./db/database.ts";
import { reportHugePages } from "./db/huge-pages.ts";
import { latestVersion, loadMigrations, migrate } from "./db/migrate.ts";
import { createPool, type Pool } from "./db/pool.ts";
import { createApp } from "./http/app.ts";
import { createHttpServer } from "./http/server.ts";
import { createLogger, type Logger } from "./logger.ts";
import { seedIfEmpty } from "./seed/seed-on-start.ts";
import { createServices } from "./services.ts";

/**
 * `npm start`: database (embedded or DATABASE_URL), migrations, seed when empty, then HTTP.
 * Owns the process: signals, crash handling, and the order things are released in. `npm start` execs node (no
 * shell or tsx CLI in between), so the signal npm forwards reaches this process and npm waits for its drain.
 */

const DRAIN_TIMEOUT_MS = 10_000;
const PARENT_POLL_MS = 1_000;

const HELP = `Usage: npm start

Starts Inbox: the database (DATABASE_URL, or an embedded PostgreSQL kept in PG_DATA_DIR), its migrations, a
seed when it is empty (SEED_ON_START), then the HTTP API on HOST:PORT. Ctrl-C, SIGINT or SIGTERM (to npm or to
this process) stops it, and so does the exit of the process that started it: requests in flight finish first,
then the database.

Configured by environment variables only (each one, with its default, in .env.example and the README):
${wrapWords(CONFIG_VARIABLES, 110, "  ")}

Options:
  -h, --help       show this help

Exit codes: 0 stopped by a signal, 1 failure (configuration, database, port), 2 usage error.`;

type Running = { server?: Server; pools?: Pool[]; db?: Database; stopBackground?: () => void };

async function main(): Promise<void> {
  parseHelpOnly(process.argv.slice(2), HELP);
  const config = readConfigOrExit();
  const logger = createLogger(config.logLevel, isInteractive());
  const running: Running = {};
  installShutdown(running, logger);
  try {
    await start(config, logger, running);
  } catch (error) {
    logger.fatal((error as Error).message);
    await release(running, logger);
    process.exit(1);
  }
}

async function start(config: Config, logger: Logger, running: Running): Promise<void> {
  running.db = await openDatabase(config, logger);
  const pool = createPool({ url: running.db.url, logger, ...poolOptions(config) });
  const listPool = createPool({ url: running.db.url, logger, ...poolOptions(config), plans: "generic" });
  running.pools = [pool, listPool];
  const migrations = await loadMigrations();
  await migrate(pool, logger, migrations);
  await reportHugePages(pool, logger);
  if (config.seed.onStart) await seedIfEmpty(running.db.url, config.seed, logger);
  const services = await createServices({ pool, listPool }, logger, {
    cursorSecret: config.cursorSecret,
    warmCache: config.db.warmCache,
  });
  running.stopBackground = services.stop;
  const loopbackOnly = isLoopback(config.http.host);
  if (config.security.apiTokens.length === 0) {
    logger.warn(
      loopbackOnly
        ? "API_TOKEN is not set: the API is open to anyone who can reach this loopback address"
        : "API_TOKEN is not set: reads are open and writes are refused (this server listens beyond loopback)",
    );
  }
  const security = { ...config.security, loopbackOnly };
  const app = createApp({ pool, logger, latestMigration: latestVersion(migrations), services, security });
  running.server = await listen(app, config.http.host, config.http.port);
  logger.info(`Inbox listening on http://${config.http.host}:${boundPort(running.server)}`);
}

function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || host.startsWith("127.");
}

/** The port actually bound: PORT=0 asks the kernel for a free one. */
function boundPort(server: Server): number {
  const address = server.address();
  return typeof address === "object" && address ? address.port : 0;
}

function poolOptions(config: Config) {
  return { size: config.db.poolSize, statementTimeoutMs: config.db.statementTimeoutMs };
}

function listen(app: ReturnType<typeof createApp>, host: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createHttpServer(app);
    server.once("listening", () => resolve(server));
    server.once("error", (error: NodeJS.ErrnoException) => {
      const reason =
        error.code === "EADDRINUSE" ? "is already in use (set PORT to another port)" : error.message;
      reject(new Error(`cannot listen on ${host}:${port}: ${reason}`));
    });
    server.listen(port, host);
  });
}

function installShutdown(running: Running, logger: Logger): void {
  let stopping = false;
  const stop = async (reason: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ reason }, "shutting down: finishing in-flight requests");
    await release(running, logger);
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
  onParentExit(() => void stop("parent exited"));
  process.on("uncaughtException", (error) => crash(error, running, logger));
  process.on("unhandledRejection", (error) => crash(error, running, logger));
}

/**
 * A parent that dies without signalling us (npm SIGKILLed, a crashed supervisor) leaves us reparented: polling
 * ppid catches that whatever the parent is, where an IPC channel or stdin's end needs a parent that provides one.
 */
function onParentExit(callback: () => void): void {
  const parent = process.ppid;
  const poll = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(poll);
    callback();
  }, PARENT_POLL_MS);
  poll.unref();
}

async function crash(error: unknown, running: Running, logger: Logger): Promise<void> {
  logger.fatal({ err: error }, "unexpected error: stopping");
  await release(running, logger).catch(() => {});
  process.exit(1);
}

/** HTTP first (stop accepting, drain), then the pool, then the embedded server. */
async function release(running: Running, logger: Logger): Promise<void> {
  if (running.server) await drain(running.server);
  running.stopBackground?.();
  for (const pool of running.pools ?? []) {
    await pool.end().catch((error: unknown) => logger.warn({ err: error }, "closing a pool failed"));
  }
  await running.db?.close();
}

/**
 * Stops accepting connections and lets in-flight requests finish. A request that still arrives on an open
 * keep-alive connection is served with `Connection: close`, and connections are closed as soon as they fall
 * idle (a response in flight at SIGTERM leaves its connection open otherwise), so the drain ends when the
 * work does; whatever remains after DRAIN_TIMEOUT_MS is cut.
 */
function drain(server: Server): Promise<void> {
  server.on("request", (_req, res) => {
    if (!res.headersSent) res.setHeader("Connection", "close");
  });
  return new Promise((resolve) => {
    const closeIdle = setInterval(() => server.closeIdleConnections(), 50);
    const force = setTimeout(() => server.closeAllConnections(), DRAIN_TIMEOUT_MS);
    server.close(() => {
      clearInterval(closeIdle);
      clearTimeout(force);
      resolve();
    });
    server.closeIdleConnections();
  });
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
