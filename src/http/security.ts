import { createHash, timingSafeEqual } from "node:crypto";
import cors from "cors";
import type { Request, RequestHandler } from "express";
import { rateLimit } from "express-rate-limit";
import helmet from "helmet";
import type { Pool } from "../db/pool.ts";
import { HttpError } from "./errors.ts";

/** Security headers for everything served, the page and Swagger UI included (no inline scripts). */
export const securityHeaders = (): RequestHandler => helmet();

/** Cross-origin access only for the origins listed in CORS_ORIGINS; none by default. */
export const crossOrigin = (origins: readonly string[]): RequestHandler =>
  cors({
    origin: origins.length > 0 ? [...origins] : false,
    exposedHeaders: [
      "Link",
      "X-Next-Cursor",
      "Server-Timing",
      "X-Request-Id",
      "X-Write-Token",
      "X-Read-Source",
    ],
  });

/** Per-client request budget (RATE_LIMIT_PER_MINUTE; 0 turns it off): 429 with Retry-After beyond it. */
export function rateLimitPerClient(perMinute: number): RequestHandler {
  if (perMinute === 0) return (_req, _res, next) => next();
  return rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    standardHeaders: "draft-8",
    legacyHeaders: false,
    handler: (_req, _res, next) =>
      next(new HttpError(429, "too_many_requests", `more than ${perMinute} requests a minute`)),
  });
}

const WRITE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * With API_TOKEN set, every API request needs `Authorization: Bearer <one of the tokens>` (compared in
 * constant time). Without it, reads are open, and writes too only while the server listens on loopback.
 */
export function requireToken(
  tokens: readonly string[],
  loopbackOnly: boolean,
  /** A request this accepts needs no header (a ticket it carries stands in for one). */
  admitted: (req: Request) => boolean = () => false,
): RequestHandler {
  const digests = tokens.map(digest);
  return (req, _res, next) => {
    if (digests.length > 0 && admitted(req)) return next();
    if (digests.length === 0) {
      if (loopbackOnly || !WRITE_METHODS.has(req.method)) return next();
      return next(
        unauthorized("writes need a token: set API_TOKEN on the server and send it as a Bearer token"),
      );
    }
    const header = req.headers.authorization ?? "";
    const given = /^Bearer (.+)$/i.exec(header)?.[1];
    if (!given) return next(unauthorized("send Authorization: Bearer <token>"));
    const candidate = digest(given);
    if (!digests.some((d) => timingSafeEqual(d, candidate)))
      return next(unauthorized("the token is not valid"));
    next();
  };
}

/**
 * Backpressure: when more requests already wait for a database connection than DB_QUEUE_LIMIT, answer 503 at
 * once (with Retry-After) rather than queue without bound. 0 turns it off.
 */
export function shedWhenBusy(pool: Pool, limit: number): RequestHandler {
  return (_req, _res, next) => {
    if (limit > 0 && pool.waitingCount >= limit) {
      return next(
        new HttpError(503, "busy", "the server is at capacity; retry shortly", undefined, {
          "Retry-After": "1",
        }),
      );
    }
    next();
  };
}

function unauthorized(message: string): HttpError {
  return new HttpError(401, "unauthorized", message, undefined, {
    "WWW-Authenticate": 'Bearer realm="inbox"',
  });
}

/** Fixed-length digests, so comparing tokens of different lengths takes the same time. */
function digest(token: string): Buffer {
  return createHash("sha256").update(token).digest();
}
