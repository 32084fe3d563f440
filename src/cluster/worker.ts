import type { Server } from "node:http";
import { serveApi } from "../api.ts";
import type { Background } from "../background.ts";
import type { Config } from "../config.ts";
import { createSampleMirror } from "../conversations/search-sample.ts";
import { latestVersion, loadMigrations } from "../db/migrate.ts";
import { createPool, type Pool } from "../db/pool.ts";
import { createReplicaPools } from "../db/replicas.ts";
import type { CacheProgress } from "../db/warm-up.ts";
import { drain } from "../http/listen.ts";
import { onStop } from "../lifecycle.ts";
import type { Logger } from "../logger.ts";
import { createServices, type Services } from "../services.ts";
import type { FromWorker, ToWorker } from "./messages.ts";

/**
 * A cluster worker: waits for its primary's `start`, opens its share of the connections, and serves the API on
 * the port the workers share. It runs no background work: the primary's sample and warm-up progress arrive as
 * messages. A signal, or its primary's exit, drains it like a single server.
 */
export async function runWorker(config: Config, logger: Logger): Promise<void> {
  const held: { server?: Server; pools: Pool[]; services?: Services } = { pools: [] };
  onStop(async () => {
    held.services?.closeStreams();
    if (held.server) await drain(held.server);
    await held.services?.stop();
    for (const pool of held.pools) await pool.end().catch(() => {});
  }, logger);
  const background = mirroredBackground();
  const start = await new Promise<Extract<ToWorker, { type: "start" }>>((resolve) => {
    process.on("message", (message: ToWorker) => {
      if (message.type === "start") resolve(message);
      else background.accept(message);
    });
    // Messages sent before a listener exists are lost: the primary answers this one.
    process.send?.({ type: "listening-for-start" } satisfies FromWorker);
  });
  const options = {
    url: start.databaseUrl,
    logger,
    size: start.poolSize,
    statementTimeoutMs: config.db.statementTimeoutMs,
    throughPooler: start.throughPooler,
  };
  const pool = createPool(options);
  const listPool = createPool({ ...options, plans: "generic" });
  const replicas = createReplicaPools(config.db.readUrls, { ...options, throughPooler: false });
  held.pools.push(pool, listPool, ...replicas.flatMap((r) => [r.pool, r.listPool]));
  const services = await createServices({ pool, listPool, replicas }, logger, {
    cursorSecret: start.cursorSecret,
    warmCache: false,
    background,
    changesUrl: start.directUrl,
    replicaMaxLagMs: config.db.replicaMaxLagMs,
  });
  held.services = services;
  const latestMigration = latestVersion(await loadMigrations());
  held.server = await serveApi(config, logger, { pool, services, latestMigration });
}

/** The primary's background work as this worker sees it: the last sample and warm-up progress it sent. */
function mirroredBackground(): Background & { accept(message: ToWorker): void } {
  const sample = createSampleMirror();
  let progress: CacheProgress = { state: "warming", loadedMb: 0, totalMb: 0 };
  let settled = () => {};
  const done = new Promise<void>((resolve) => {
    settled = resolve;
  });
  return {
    sample,
    cache: { progress: () => progress, done, stop: () => {} },
    ready: Promise.resolve(),
    stop: () => {},
    accept: (message) => {
      if (message.type === "sample") sample.accept(message.sample);
      if (message.type !== "cache") return;
      progress = message.progress;
      if (progress.state !== "warming") settled();
    },
  };
}
