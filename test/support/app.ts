import type { AddressInfo } from "node:net";
import { after, before } from "node:test";
import { startBackground } from "../../src/background.ts";
import { latestVersion, loadMigrations } from "../../src/db/migrate.ts";
import { createPool } from "../../src/db/pool.ts";
import { createReplicaPools } from "../../src/db/replicas.ts";
import { useSessionDefaults } from "../../src/db/session-defaults.ts";
import { createApp } from "../../src/http/app.ts";
import { createHttpServer } from "../../src/http/server.ts";
import { createServices, type Services } from "../../src/services.ts";
import { assertDocumented } from "./contract.ts";
import { createTestDatabase, type TestDatabase, testLogger } from "./database.ts";

/** The real Express app over a test database, listening on a free loopback port. */
export type TestServer = {
  url: string;
  get(path: string): Promise<{ status: number; headers: Headers; body: unknown }>;
  send(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; headers: Headers; body: unknown }>;
  close(): Promise<void>;
  services: Services;
};

type Security = Parameters<typeof createApp>[0]["security"];
/** EVENT_STREAMS_PER_CLIENT of the test servers: its default. */
export const TEST_STREAMS_PER_CLIENT = 20;
const OPEN: Security = {
  apiTokens: [],
  corsOrigins: [],
  rateLimitPerMinute: 0,
  dbQueueLimit: 100,
  eventStreamsPerClient: TEST_STREAMS_PER_CLIENT,
  loopbackOnly: true,
};

/**
 * `port`: 0 for a free one; a test restarting "the same" server gives the port it had.
 * `throughPooler`: the request pools reach the database by this URL, a transaction pooler, with the role's
 * session defaults set as `npm start` sets them; the background work stays on the direct `db.pool`.
 */
export type TestServerOptions = {
  throughPooler?: string;
  statementTimeoutMs?: number;
  port?: number;
  /** Streaming replicas of the database, for reads (DATABASE_READ_URLS), and REPLICA_MAX_LAG_MS. */
  readUrls?: string[];
  replicaMaxLagMs?: number;
};

export async function startTestServer(
  db: TestDatabase,
  security: Partial<Security> = {},
  {
    throughPooler,
    statementTimeoutMs = 30_000,
    port = 0,
    readUrls = [],
    replicaMaxLagMs = 2_000,
  }: TestServerOptions = {},
): Promise<TestServer> {
  const requests = {
    url: throughPooler ?? db.url,
    statementTimeoutMs,
    logger: testLogger,
    throughPooler: throughPooler !== undefined,
  };
  if (throughPooler) await useSessionDefaults(db.pool, throughPooler, statementTimeoutMs, testLogger);
  const pool = throughPooler ? createPool({ ...requests, size: 8 }) : db.pool;
  const listPool = createPool({ ...requests, size: 4, plans: "generic" });
  const replicas = createReplicaPools(readUrls, { ...requests, size: 4, throughPooler: false });
  const services = await createServices({ pool, listPool, replicas }, testLogger, {
    cursorSecret: "test-secret-test-secret",
    warmCache: true,
    background: throughPooler ? startBackground(db.pool, testLogger, { warmCache: true }) : undefined,
    changesUrl: db.url,
    replicaMaxLagMs,
  });
  // Start-up work done before any test runs: a warm-up still reading relations would meet a test's locks.
  await Promise.all([services.ready, services.cache.done, services.reads.ready]);
  const app = createApp({
    pool,
    logger: testLogger,
    latestMigration: latestVersion(await loadMigrations()),
    services,
    security: { ...OPEN, ...security },
  });
  const server = createHttpServer(app).listen(port, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    services,
    get: (path) => request("GET", url + path),
    send: (method, path, body, headers) => request(method, url + path, body, headers),
    close: () =>
      new Promise((resolve) => {
        void services.stop();
        const pools = [
          ...(pool === db.pool ? [listPool] : [pool, listPool]),
          ...replicas.flatMap((r) => [r.pool, r.listPool]),
        ];
        server.close(() =>
          services.cache.done.then(() => Promise.all(pools.map((p) => p.end()))).then(() => resolve()),
        );
        server.closeAllConnections();
      }),
  };
}

async function request(method: string, url: string, body?: unknown, headers: Record<string, string> = {}) {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === "string" ? body : JSON.stringify(body);
    init.headers = { ...headers, "content-type": "application/json" };
  }
  const response = await fetch(url, init);
  const text = await response.text();
  assertDocumented(method, url, {
    status: response.status,
    contentType: response.headers.get("content-type"),
    text,
  });
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

/** A fresh database and the app over it for the tests of one file (created before them, dropped after). */
export function testServerForFile(): { readonly db: TestDatabase; readonly server: TestServer } {
  const context = {} as { db: TestDatabase; server: TestServer };
  before(async () => {
    context.db = await createTestDatabase();
    context.server = await startTestServer(context.db);
  });
  after(async () => {
    await context.server.close();
    await context.db.drop();
  });
  return context;
}
