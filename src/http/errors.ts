/**
 * The one error type that crosses into HTTP: a status, a stable machine-readable code, and a message
 * for people. Domain code throws these (or lets database errors through); `errorHandler` maps the rest.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: ReadonlyArray<{ field: string; message: string }>,
    readonly headers?: Readonly<Record<string, string>>,
  ) {
    super(message);
    this.name = "HttpError";
  }
}

export const badRequest = (field: string, message: string) =>
  new HttpError(400, "invalid_parameter", `${field}: ${message}`, [{ field, message }]);

export const notFound = (what: string) => new HttpError(404, "not_found", `${what} not found`);

export const conflict = (message: string) => new HttpError(409, "conflict", message);

export const unavailable = (message: string) =>
  new HttpError(503, "unavailable", message, undefined, { "Retry-After": "1" });
