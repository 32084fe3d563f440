/**
 * What domain code (queries, codecs) throws when a request cannot be answered as asked. These know nothing of
 * HTTP: the one error handler (src/http/error-handler.ts) gives each its status and problem type.
 */

/** A value the caller sent is not acceptable; `field` names it as the caller wrote it. */
export class InvalidInputError extends Error {
  override name = "InvalidInputError";
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}

/** The thing asked for (`what`: "contact", "message") does not exist. */
export class NotFoundError extends Error {
  override name = "NotFoundError";
  constructor(readonly what: string) {
    super(`${what} not found`);
  }
}

/** The request contradicts stored data (a phone number another contact has). */
export class ConflictError extends Error {
  override name = "ConflictError";
}
