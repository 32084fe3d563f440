import type { Server } from "node:http";
import type { Config } from "./config.ts";
import type { Pool } from "./db/pool.ts";
import { createApp } from "./http/app.ts";
import { listen } from "./http/listen.ts";
import type { Logger } from "./logger.ts";
import type { Services } from "./services.ts";

/** The HTTP API over the services, listening on HOST:PORT: what the one process or each cluster worker serves. */
export function serveApi(
  config: Config,
  logger: Logger,
  { pool, services, latestMigration }: { pool: Pool; services: Services; latestMigration: number },
): Promise<Server> {
  const security = { ...config.security, loopbackOnly: isLoopback(config.http.host) };
  const app = createApp({
    pool,
    logger,
    latestMigration,
    services,
    security,
    slowRequestMs: config.http.slowRequestMs,
  });
  return listen(app, config.http.host, config.http.port);
}

/** Said once per start (by the primary of a cluster): who can reach an API without a token. */
export function warnIfOpen(config: Config, logger: Logger): void {
  if (config.security.apiTokens.length > 0) return;
  logger.warn(
    isLoopback(config.http.host)
      ? "API_TOKEN is not set: the API is open to anyone who can reach this loopback address"
      : "API_TOKEN is not set: reads are open and writes are refused (this server listens beyond loopback)",
  );
}

function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || host.startsWith("127.");
}
