import { STATUS_CODES } from "node:http";

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

/**
 * RFC 9457's members for a problem. The type is about:blank (the status says what kind of problem it is) with
 * the status's own phrase as title, as the RFC prescribes for it; the stable machine-readable code is an
 * extension member of its own, `code`.
 */
export const problemBody = (status: number, code: string, detail: string) => ({
  type: "about:blank",
  title: STATUS_CODES[status] ?? "Error",
  status,
  code,
  detail,
});
