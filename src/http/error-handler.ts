import type { ErrorRequestHandler, RequestHandler } from "express";
import type pg from "pg";
import { ZodError, type z } from "zod";
import { isConnectionFailure, isUnreachable, sqlstate } from "../db/errors.ts";
import { ConflictError, InvalidInputError, NotFoundError } from "../errors.ts";
import type { Logger } from "../logger.ts";
import { badRequest, conflict, HttpError, notFound, problemBody, unavailable } from "./errors.ts";

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
    // A 4xx from PostgreSQL is a value the validator let through: worth closing there.
    else if (problem.status < 500 && sqlstate(error))
      logger.warn({ reqId: req.id, sqlstate: sqlstate(error) }, "the database refused a value");
    // The database away, or busy: expected under faults and load, one short line each.
    else if (problem.status >= 500) logger.warn({ reqId: req.id, cause: String(error) }, problem.message);
    if (res.headersSent) return res.destroy();
    for (const [name, value] of Object.entries(problem.headers ?? {})) res.setHeader(name, value);
    res
      .status(problem.status)
      .type("application/problem+json")
      .json({
        ...problemBody(problem.status, problem.code, problem.message),
        ...(problem.details ? { errors: problem.details } : {}),
        requestId: req.id,
      });
  };
}

export const notFoundHandler: RequestHandler = (req, _res, next) =>
  next(notFound(`route ${req.method} ${req.path}`));

/** A documented path asked with a method it does not have (TRACE, PUT…): 405 and the methods it has, in Allow. */
export function methodNotAllowedHandler(
  routes: Array<{ pattern: RegExp; methods: string[] }>,
): RequestHandler {
  return (req, _res, next) => {
    const route = routes.find((r) => r.pattern.test(req.path));
    if (!route || route.methods.includes(req.method)) return next();
    const allow = route.methods.join(", ");
    next(
      new HttpError(
        405,
        "method_not_allowed",
        `${req.method} is not allowed on ${req.path} (allowed: ${allow})`,
        undefined,
        {
          Allow: allow,
        },
      ),
    );
  };
}

/** A value the database refused: 400, naming the column when PostgreSQL reports one (a NOT NULL violation). */
const invalidValue = (message: string) => (error: pg.DatabaseError) =>
  error.column
    ? new HttpError(400, "invalid_value", `${error.column}: ${message}`, [{ field: error.column, message }])
    : new HttpError(400, "invalid_value", message);

const databaseAway = () => unavailable("the database is restarting or unreachable; retry");

/**
 * What a SQLSTATE means for the client, looked up by the whole code, then its first three characters, then its
 * class (the first two). Classes 22 and 23 are the client's values; anything not here is a bug and a 500.
 */
const SQLSTATE: Record<string, (error: pg.DatabaseError) => HttpError> = {
  "57014": () => unavailable("the query took too long and was cancelled; try a narrower search"),
  "53300": () => unavailable("the database has too many connections"),
  // Connection exception, and shutdown, crash or starting up: the database is away for now.
  "08": databaseAway,
  "57P": databaseAway,
  "23505": () => conflict("a record with the same unique value already exists"),
  "23503": () => notFound("referenced record"),
  "23502": invalidValue("a required value is missing"),
  "23514": invalidValue("a value is outside the range the database accepts"),
  "23": () => conflict("the write breaks an integrity rule of the stored data"),
  "22001": invalidValue("a value is too long"),
  "22003": invalidValue("a number is out of range"),
  "22007": invalidValue("a date or time is not valid"),
  "22008": invalidValue("a date or time is out of range"),
  "22009": invalidValue("a time zone offset is out of range (-15:59 to +15:59)"),
  "22021": invalidValue("a text has characters the database cannot store"),
  "22P02": invalidValue("a value is not in the expected format"),
  "22P05": invalidValue("a text has characters the database cannot store"),
  "22": invalidValue("a value is not valid"),
};

function fromSqlstate(error: pg.DatabaseError, code: string): HttpError | undefined {
  const mapped = SQLSTATE[code] ?? SQLSTATE[code.slice(0, 3)] ?? SQLSTATE[code.slice(0, 2)];
  return mapped?.(error);
}

/** body-parser's error types, each under a stable code; it sets their status (400, 413 or 415). */
const BODY_ERRORS: Record<string, [code: string, message: string]> = {
  "entity.parse.failed": ["malformed_json", "the body is not valid JSON"],
  "entity.too.large": ["body_too_large", "the body is larger than 64 KB"],
  "encoding.unsupported": ["unsupported_encoding", "the body encoding is not supported"],
  "charset.unsupported": ["unsupported_encoding", "the body encoding is not supported"],
  "request.aborted": ["request_aborted", "the body ended before it was complete"],
  "request.size.invalid": ["body_length_mismatch", "the body's length does not match its Content-Length"],
};

/** Untyped: the body stream itself failed, in practice a body its Content-Encoding does not decode (zlib). */
const UNREADABLE_BODY: [string, string] = [
  "unreadable_body",
  "the body could not be read: it does not match its Content-Encoding, or it is cut short",
];

/** An error a body parser marked 4xx (http-errors' status/statusCode) keeps that status. */
function fromBodyParser(error: { type?: string; status?: unknown; statusCode?: unknown }) {
  const status = error.status ?? error.statusCode;
  if (typeof status !== "number" || status < 400 || status > 499) return undefined;
  const [code, message] = BODY_ERRORS[error.type ?? ""] ?? UNREADABLE_BODY;
  return new HttpError(status, code, message);
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

/** The domain's errors (src/errors.ts), which know nothing of HTTP. */
function fromDomain(error: unknown): HttpError | undefined {
  if (error instanceof InvalidInputError) return badRequest(error.field, error.reason);
  if (error instanceof NotFoundError) return notFound(error.what);
  if (error instanceof ConflictError) return conflict(error.message);
  return undefined;
}

function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  const domain = fromDomain(error);
  if (domain) return domain;
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
  const fromBody = fromBodyParser(e);
  if (fromBody) return fromBody;
  const code = sqlstate(error);
  const mapped = code ? fromSqlstate(error as pg.DatabaseError, code) : undefined;
  if (mapped) return mapped;
  if (isUnreachable(error)) return unavailable("the database is unreachable");
  if (isConnectionFailure(error)) return unavailable("the connection to the database was lost; retry");
  return new HttpError(500, "internal", "internal error");
}
