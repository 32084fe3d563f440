import pg from "pg";

/** The database could not be started or reached; the message says which and why. */
export class DatabaseStartError extends Error {
  override name = "DatabaseStartError";
}

/** A migration failed and was rolled back. */
export class MigrationError extends Error {
  override name = "MigrationError";
}

/**
 * node-postgres reports a lost or unobtainable connection as a plain Error with no SQLSTATE: these are its
 * messages (pg/lib/client.js, pg-pool). Such a failure is the database being away, not a bug.
 */
const CONNECTION_FAILURES = [
  /^Connection terminated/,
  /is not queryable$/,
  /^timeout exceeded when trying to connect$/,
  /^timeout expired$/,
];

export function isConnectionFailure(error: unknown): boolean {
  if (!(error instanceof Error) || "code" in error) return false;
  return CONNECTION_FAILURES.some((pattern) => pattern.test(error.message));
}

/**
 * Socket errors from the driver: TCP refused/reset/timed out, or the Unix socket gone (EPIPE writing to a dead
 * server, ENOENT connecting while its socket file is absent).
 */
export function isUnreachable(error: unknown): boolean {
  const { code, syscall } = error as NodeJS.ErrnoException;
  if (["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE"].includes(code ?? "")) return true;
  return code === "ENOENT" && syscall === "connect";
}

/** The SQLSTATE of an error PostgreSQL reported, or undefined for any other error (a socket's EPIPE is not one). */
export function sqlstate(error: unknown): string | undefined {
  return error instanceof pg.DatabaseError ? error.code : undefined;
}

/**
 * Class 22 (data exception) and 23 (integrity violation): a statement refused a value it was given, so the
 * fault is in one row, not in the database.
 */
export function isValueError(error: unknown): boolean {
  const code = sqlstate(error);
  return code !== undefined && (code.startsWith("22") || code.startsWith("23"));
}
