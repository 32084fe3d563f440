import type { Logger } from "./logger.ts";

const PARENT_POLL_MS = 1_000;

/**
 * How a server process ends, whoever ends it: SIGINT or SIGTERM (from a terminal, npm, a supervisor or a cluster
 * primary), the exit of the process that started it, or an error nothing caught. `release` frees what the
 * process holds, in order; the process then exits 0 (stopped) or 1 (crashed). Runs `release` once.
 */
export function onStop(release: () => Promise<void>, logger: Logger): void {
  let stopping = false;
  const stop = async (reason: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ reason }, "shutting down: finishing in-flight requests");
    await release();
    process.exit(0);
  };
  const crash = async (error: unknown) => {
    logger.fatal({ err: error }, "unexpected error: stopping");
    await release().catch(() => {});
    process.exit(1);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
  onParentExit(() => void stop("parent exited"));
  process.on("uncaughtException", (error) => void crash(error));
  process.on("unhandledRejection", (error) => void crash(error));
}

/**
 * A parent that dies without signalling us (npm SIGKILLed, a crashed supervisor or primary) leaves us
 * reparented: polling ppid catches that whatever the parent is, where an IPC channel or stdin's end needs a
 * parent that provides one.
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
