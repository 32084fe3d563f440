import type { Server } from "node:http";
import type { Express } from "express";
import { createHttpServer } from "./server.ts";

const DRAIN_TIMEOUT_MS = 10_000;

/** Listens on host:port; a port in use is an error that says what to do. */
export function listen(app: Express, host: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createHttpServer(app);
    server.once("listening", () => resolve(server));
    server.once("error", (error: NodeJS.ErrnoException) => {
      const reason =
        error.code === "EADDRINUSE" ? "is already in use (set PORT to another port)" : error.message;
      reject(new Error(`cannot listen on ${host}:${port}: ${reason}`));
    });
    server.listen(port, host);
  });
}

/** The port actually bound: PORT=0 asks the kernel for a free one. */
export function boundPort(server: Server): number {
  const address = server.address();
  return typeof address === "object" && address ? address.port : 0;
}

/**
 * Stops accepting connections and lets in-flight requests finish. A request that still arrives on an open
 * keep-alive connection is served with `Connection: close`, and connections are closed as soon as they fall
 * idle (a response in flight at SIGTERM leaves its connection open otherwise), so the drain ends when the
 * work does; whatever remains after DRAIN_TIMEOUT_MS is cut.
 */
export function drain(server: Server): Promise<void> {
  server.on("request", (_req, res) => {
    if (!res.headersSent) res.setHeader("Connection", "close");
  });
  return new Promise((resolve) => {
    const closeIdle = setInterval(() => server.closeIdleConnections(), 50);
    const force = setTimeout(() => server.closeAllConnections(), DRAIN_TIMEOUT_MS);
    server.close(() => {
      clearInterval(closeIdle);
      clearTimeout(force);
      resolve();
    });
    server.closeIdleConnections();
  });
}

/** How long a drain may take at most: a supervisor waiting on workers allows this and a margin. */
export const MAX_DRAIN_MS = DRAIN_TIMEOUT_MS;
