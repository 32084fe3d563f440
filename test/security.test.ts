import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { createPool } from "../src/db/pool.ts";
import { startTestServer, type TestServer } from "./support/app.ts";
import { createTestDatabase, type TestDatabase, testLogger } from "./support/database.ts";

const TOKEN = "s3cret-token-for-tests-0123456789";
let db: TestDatabase;
before(async () => {
  db = await createTestDatabase();
});
after(async () => db.drop());

describe("with API_TOKEN set", () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer(db, {
      apiTokens: ["another-token-0123456789", TOKEN],
      loopbackOnly: false,
    });
  });
  after(async () => server.close());

  test("API routes need the bearer token: 401 with WWW-Authenticate otherwise", async () => {
    const attempts: Array<Record<string, string>> = [
      {},
      { authorization: "Bearer wrong-token" },
      { authorization: TOKEN },
    ];
    for (const headers of attempts) {
      const res = await server.send("GET", "/conversations", undefined, headers);
      assert.equal(res.status, 401);
      assert.equal(res.headers.get("www-authenticate"), 'Bearer realm="inbox"');
    }
    const ok = await server.send("GET", "/conversations", undefined, { authorization: `Bearer ${TOKEN}` });
    assert.equal(ok.status, 200);
    const write = await server.send(
      "POST",
      "/contacts",
      { name: "T", phone_number: "+1 555 0199" },
      { authorization: `bearer ${TOKEN}` },
    );
    assert.equal(write.status, 201);
  });

  test("health checks and the page stay open", async () => {
    assert.equal((await server.get("/healthz")).status, 200);
    assert.equal((await server.get("/readyz")).status, 200);
    assert.equal((await fetch(`${server.url}/`)).status, 200);
  });

  test("security headers are set; no CORS unless configured", async () => {
    const res = await fetch(`${server.url}/healthz`, { headers: { origin: "https://evil.example" } });
    assert.equal(res.headers.get("x-content-type-options"), "nosniff");
    assert.match(res.headers.get("content-security-policy") ?? "", /default-src 'self'/);
    assert.equal(res.headers.get("access-control-allow-origin"), null);
  });

  test("every answer carries a request id: the client's if sane, else a new one, also in error bodies", async () => {
    const given = await fetch(`${server.url}/healthz`, { headers: { "x-request-id": "trace-42" } });
    assert.equal(given.headers.get("x-request-id"), "trace-42");
    const insane = await fetch(`${server.url}/conversations?page=0`, {
      headers: { "x-request-id": "no spaces allowed" },
    });
    const id = insane.headers.get("x-request-id") ?? "";
    assert.match(id, /^[0-9a-f-]{36}$/);
    assert.equal(((await insane.json()) as { requestId: string }).requestId, id);
  });
});

describe("without API_TOKEN, listening beyond loopback", () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer(db, { loopbackOnly: false, corsOrigins: ["https://app.example"] });
  });
  after(async () => server.close());

  test("reads are open, writes are refused", async () => {
    assert.equal((await server.get("/conversations")).status, 200);
    const res = await server.send("POST", "/contacts", { name: "T", phone_number: "+1 555 0198" });
    assert.equal(res.status, 401);
    assert.match((res.body as { detail: string }).detail, /API_TOKEN/);
  });

  test("a configured origin gets CORS headers", async () => {
    const res = await fetch(`${server.url}/conversations`, { headers: { origin: "https://app.example" } });
    assert.equal(res.headers.get("access-control-allow-origin"), "https://app.example");
  });
});

describe("limits", () => {
  test("rate limit per client: 429 with Retry-After", async () => {
    const server = await startTestServer(db, { rateLimitPerMinute: 3 });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await server.get("/conversations?limit=1")).status);
      assert.deepEqual(statuses, [200, 200, 200, 429, 429]);
      const res = await server.get("/conversations?limit=1");
      assert.ok(Number(res.headers.get("retry-after")) > 0);
    } finally {
      await server.close();
    }
  });

  test("backpressure: past the queue limit, 503 at once instead of waiting", async () => {
    const small = createPool({ url: db.url, size: 1, statementTimeoutMs: 10_000, logger: testLogger });
    const server = await startTestServer({ ...db, pool: small }, { dbQueueLimit: 1 });
    try {
      const hog = small.query("SELECT pg_sleep(1.5)");
      const queued = small.query("SELECT 1");
      const started = performance.now();
      const res = await server.get("/conversations?searchValue=the");
      assert.equal(res.status, 503);
      assert.equal(res.headers.get("retry-after"), "1");
      assert.ok(performance.now() - started < 500, "answered without waiting for a connection");
      await Promise.all([hog, queued]);
    } finally {
      await server.close();
      await small.end();
    }
  });
});
