import type { ErrorRequestHandler, RequestHandler } from "express";
import { ZodError, type z } from "zod";
import { isConnectionFailure } from "../db/errors.ts";
import type { Logger } from "../logger.ts";
import { HttpError, notFound, unavailable } from "./errors.ts";

/**
 * Every error reaches the client as RFC 9457 problem+json naming the problem; user input never causes a 500.
 * PostgreSQL errors are mapped by SQLSTATE, never by message text.
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    if (req.socket.destroyed) {
      logger.info({ reqId: req.id }, "the client left before the answer; its database work was cancelled");
      return;
    }
    const problem = toHttpError(error);
    if (problem.status === 500) logger.error({ err: error, reqId: req.id }, "request failed");
    // The database away, or busy: expected under faults and load, one short line each.
    else if (problem.status >= 500) logger.warn({ reqId: req.id, cause: String(error) }, problem.message);
    if (res.headersSent) return res.destroy();
    for (const [name, value] of Object.entries(problem.headers ?? {})) res.setHeader(name, value);
    res
      .status(problem.status)
      .type("application/problem+json")
      .json({
        type: `about:blank#${problem.code}`,
        title: problem.code,
        status: problem.status,
        detail: problem.message,
        ...(problem.details ? { errors: problem.details } : {}),
        requestId: req.id,
      });
  };
}

export const notFoundHandler: RequestHandler = (req, _res, next) =>
  next(notFound(`route ${req.method} ${req.path}`));

/** SQLSTATE classes and codes we expect; anything else is a bug and a 500. */
const SQLSTATE: Record<string, () => HttpError> = {
  "57014": () => unavailable("the query took too long and was cancelled; try a narrower search"),
  "53300": () => unavailable("the database has too many connections"),
  "23505": () => new HttpError(409, "conflict", "a record with the same unique value already exists"),
  "23503": () => notFound("referenced record"),
};

/**
 * Socket errors from the driver: TCP refused/reset/timed out, or the Unix socket gone (EPIPE writing to a dead
 * server, ENOENT connecting while its socket file is absent).
 */
function isUnreachable(error: NodeJS.ErrnoException): boolean {
  if (["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE"].includes(error.code ?? "")) return true;
  return error.code === "ENOENT" && error.syscall === "connect";
}

type FieldError = { field: string; message: string };

/** An unknown key is named itself (strictFields); any other issue by its path, the body's when it has none. */
function issueDetails(issue: z.core.$ZodIssue): FieldError[] {
  if (issue.code === "unrecognized_keys")
    return issue.keys.map((key) => ({ field: [...issue.path, key].join("."), message: issue.message }));
  return [{ field: issue.path.join(".") || "body", message: issue.message }];
}

/**
 * A value breaking several rules of one field (an empty content is also blank) gets the first rule's message:
 * each schema orders a field's rules so that the first one broken describes the value best (a page or id checks
 * its upper bound before integrality, as zod holds 1e20 not to be a safe integer).
 */
function firstPerField(details: FieldError[]): FieldError[] {
  return details.filter((d, i) => details.findIndex((o) => o.field === d.field) === i);
}

function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  if (error instanceof ZodError) {
    const details = firstPerField(error.issues.flatMap(issueDetails));
    return new HttpError(
      400,
      "invalid_parameter",
      details.map((d) => `${d.field}: ${d.message}`).join("; "),
      details,
    );
  }
  const e = error as { type?: string; status?: number; code?: string };
  // The router could not percent-decode a path segment (e.g. /contacts/%80).
  if (error instanceof URIError && e.status === 400)
    return new HttpError(400, "invalid_path", "the path is not valid percent-encoded UTF-8");
  if (e.type === "entity.parse.failed")
    return new HttpError(400, "malformed_json", "the body is not valid JSON");
  if (e.type === "entity.too.large")
    return new HttpError(413, "body_too_large", "the body is larger than 64 KB");
  if (e.type === "encoding.unsupported" || e.type === "charset.unsupported")
    return new HttpError(415, "unsupported_encoding", "the body encoding is not supported");
  if (typeof e.code === "string") {
    const mapped = SQLSTATE[e.code];
    if (mapped) return mapped();
    // Class 08 (connection exception) and 57P (shutdown, crash, starting up): the database is away for now.
    if (e.code.startsWith("08") || e.code.startsWith("57P"))
      return unavailable("the database is restarting or unreachable; retry");
    if (isUnreachable(e as NodeJS.ErrnoException)) return unavailable("the database is unreachable");
  }
  if (isConnectionFailure(error)) return unavailable("the connection to the database was lost; retry");
  return new HttpError(500, "internal", "internal error");
}
