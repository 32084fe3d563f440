import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import express, { type Express, type RequestHandler } from "express";
import { pinoHttp } from "pino-http";
import type { Config } from "../config.ts";
import { contactRoutes } from "../contacts/routes.ts";
import { conversationRoutes } from "../conversations/routes.ts";
import type { Pool } from "../db/pool.ts";
import { eventRoutes } from "../events/routes.ts";
import type { Logger } from "../logger.ts";
import { messageRoutes } from "../messages/routes.ts";
import type { Services } from "../services.ts";
import { errorHandler, methodNotAllowedHandler, notFoundHandler } from "./error-handler.ts";
import { healthRoutes } from "./health.ts";
import { jsonBodies } from "./json-body.ts";
import { documentedRoutes, openApiRoutes } from "./openapi.ts";
import { rejectQueryNotUtf8 } from "./query-utf8.ts";
import { crossOrigin, rateLimitPerClient, requireToken, securityHeaders, shedWhenBusy } from "./security.ts";
import { slowRequestLog } from "./slow-requests.ts";

const WEB_DIR = fileURLToPath(new URL("../web/", import.meta.url));

/** The routes of the API proper: what tokens, rate limits and load shedding apply to. */
const API_PATHS = ["/conversations", "/contacts", "/messages", "/events"];

export type AppDeps = {
  pool: Pool;
  logger: Logger;
  latestMigration: number;
  services: Services;
  security: Config["security"] & { loopbackOnly: boolean };
  /** SLOW_REQUEST_MS; 0 or unset: off. */
  slowRequestMs?: number;
};

/** The Express application, with no process concerns (ports, signals): what tests import. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false);
  app.set("query parser", "simple");
  app.use(requestId);
  if (deps.slowRequestMs) app.use(slowRequestLog(deps.slowRequestMs, deps.logger));
  app.use(rejectQueryNotUtf8);
  // Not even built when its lines would be dropped: at 32 connections on page 1 it cost ~8% of the API's CPU.
  if (deps.logger.isLevelEnabled("info")) app.use(requestLogger(deps.logger));
  app.use(securityHeaders());
  app.use(crossOrigin(deps.security.corsOrigins));
  app.use(healthRoutes(deps.pool, deps.latestMigration, () => startupWork(deps.services)));
  app.use(
    API_PATHS,
    rateLimitPerClient(deps.security.rateLimitPerMinute),
    requireToken(
      deps.security.apiTokens,
      deps.security.loopbackOnly,
      (req) =>
        // EventSource cannot send a header: GET /events may show a ticket instead (src/events/tickets.ts).
        req.method === "GET" &&
        `${req.baseUrl}${req.path}` === "/events/" &&
        deps.services.tickets.isValid(String(req.query.ticket ?? "")),
    ),
    shedWhenBusy(deps.pool, deps.security.dbQueueLimit),
  );
  app.use(jsonBodies());
  const { services } = deps;
  app.use(conversationRoutes(services.reads, services.cursors));
  app.use(contactRoutes(services.contacts, services.reads));
  app.use(messageRoutes(services.messages, services.reads, services.cursors));
  app.use(
    eventRoutes(services.events, services.conversations, {
      tickets: services.tickets,
      streamsPerClient: deps.security.eventStreamsPerClient,
    }),
  );
  app.use(openApiRoutes());
  // The inbox page (GET /) and its scripts, as written: no build step.
  app.use(express.static(WEB_DIR, { index: "index.html", maxAge: "1h" }));
  app.use(methodNotAllowedHandler(documentedRoutes()));
  app.use(notFoundHandler);
  app.use(errorHandler(deps.logger));
  return app;
}

/** The client's X-Request-Id if it is sane, else a new one: echoed back, in error bodies and in log lines. */
const requestId: RequestHandler = (req, res, next) => {
  const incoming = req.headers["x-request-id"];
  req.id = typeof incoming === "string" && /^[\w.-]{1,64}$/.test(incoming) ? incoming : randomUUID();
  res.setHeader("X-Request-Id", req.id);
  next();
};

/** One line per request with status and duration, under the request's id. */
function requestLogger(logger: Logger) {
  return pinoHttp({
    logger,
    genReqId: (req) => req.id,
    // Only method, path and status: query strings can carry search terms and phone numbers.
    serializers: {
      req: (req) => ({ id: req.id, method: req.method, path: String(req.url).split("?")[0] }),
      res: (res) => ({ status: res.statusCode }),
    },
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? "error" : "info"),
  });
}

/**
 * Until the planner's sample of recent conversations is read, some searches take a slow plan; until the cache
 * is warm, requests may wait on the disk. Replicas down or lagging send their reads to the primary: slower,
 * not unready.
 */
function startupWork(services: Services) {
  return {
    searchSample: services.sample.isLoaded() ? "loaded" : "loading",
    cache: services.cache.progress(),
    ...(services.reads.enabled ? { replicas: services.reads.status() } : {}),
  };
}
