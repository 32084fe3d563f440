import { createServer, IncomingMessage, type Server, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import type { Express } from "express";
import { problemBody } from "./errors.ts";

/**
 * The HTTP server around the app, with explicit limits against slow or oversized requests: headers (URL
 * included) within 16 KB and 10 s, a whole request within 30 s, idle keep-alive sockets closed after 5 s.
 * Requests Node rejects before Express sees them still get a problem+json answer.
 */
export function createHttpServer(app: Express): Server {
  const server = createServer(
    {
      maxHeaderSize: 16 * 1024,
      headersTimeout: 10_000,
      requestTimeout: 30_000,
      ...bornWithAppPrototypes(app),
    },
    app,
  );
  server.keepAliveTimeout = 5_000;
  server.on("clientError", answerClientError);
  return server;
}

const CLIENT_ERRORS: Record<string, [number, string, string]> = {
  HPE_HEADER_OVERFLOW: [431, "headers_too_large", "the URL and headers together exceed 16 KB"],
  ERR_HTTP_REQUEST_TIMEOUT: [408, "request_timeout", "the request was not received in time"],
};

function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (!socket.writable || error.code === "ECONNRESET") {
    socket.destroy();
    return;
  }
  const [status, code, detail] = CLIENT_ERRORS[error.code ?? ""] ?? [
    400,
    "bad_request",
    "malformed HTTP request",
  ];
  const problem = problemBody(status, code, detail);
  const body = JSON.stringify(problem);
  socket.end(
    `HTTP/1.1 ${status} ${problem.title}\r\nContent-Type: application/problem+json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/**
 * Request and response classes whose instances already have the app's prototypes, so that Express's
 * per-request `Object.setPrototypeOf(req, app.request)` (and the same for `res`) finds the prototype in place,
 * which V8 treats as a no-op. The classes' prototypes are put in front of the app's and become the app's.
 * Why: an object whose prototype changes gets a new hidden class, and on every request that costs far more than
 * the call (measured in docs/architecture.md, "Requests are born with Express's prototypes").
 */
function bornWithAppPrototypes(app: Express) {
  class Request extends IncomingMessage {}
  Object.setPrototypeOf(Request.prototype, app.request);
  app.request = Request.prototype as Express["request"];
  class Response extends ServerResponse {}
  Object.setPrototypeOf(Response.prototype, app.response);
  app.response = Response.prototype as unknown as Express["response"];
  return { IncomingMessage: Request, ServerResponse: Response };
}
