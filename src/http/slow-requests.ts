import { PerformanceObserver, performance } from "node:perf_hooks";
import type { RequestHandler } from "express";
import type { Logger } from "../logger.ts";

/**
 * SLOW_REQUEST_MS: one warn line per request slower than the threshold, with where its time went, so that a
 * tail (p99) can be explained with evidence rather than guessed: the database's time (the route's
 * Server-Timing: from sending the statement to its result, so the socket and the scheduler are in it too), V8's
 * garbage collections that overlapped the request (a pause while the statement runs is inside dbMs as well), and
 * the time outside the statement (Node, the socket, waiting for the event loop or a pooled connection).
 */

/** The collections of the last few seconds: enough to cover any request the threshold would catch. */
const GC_KEPT = 256;

type Pause = { start: number; end: number };

export function slowRequestLog(thresholdMs: number, logger: Logger): RequestHandler {
  const pauses: Pause[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      pauses.push({ start: entry.startTime, end: entry.startTime + entry.duration });
      if (pauses.length > GC_KEPT) pauses.shift();
    }
  });
  observer.observe({ entryTypes: ["gc"] });
  return (req, res, next) => {
    const start = performance.now();
    res.once("finish", () => {
      const end = performance.now();
      const ms = end - start;
      if (ms < thresholdMs) return;
      const overlapping = pauses.filter((p) => p.start < end && p.end > start);
      const gcMs = overlapping.reduce((sum, p) => sum + Math.min(p.end, end) - Math.max(p.start, start), 0);
      const dbMs = databaseMs(res.getHeader("server-timing"));
      logger.warn(
        {
          reqId: req.id,
          method: req.method,
          path: req.path,
          status: res.statusCode,
          ms: round(ms),
          dbMs: dbMs === undefined ? null : round(dbMs),
          gcMs: round(gcMs),
          gcCount: overlapping.length,
          outsideDbMs: round(ms - (dbMs ?? 0)),
        },
        "slow request",
      );
    });
    next();
  };
}

const round = (ms: number) => Math.round(ms * 100) / 100;

function databaseMs(header: unknown): number | undefined {
  const match = /db;dur=([\d.]+)/.exec(String(header ?? ""));
  return match ? Number(match[1]) : undefined;
}
