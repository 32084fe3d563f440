import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import pg from "pg";
import { createDatabaseIfMissing, withDatabase } from "../src/db/database.ts";
import { freePort } from "../src/db/process.ts";
import { seed } from "../src/seed/seed.ts";
import { startTestServer, type TestServer } from "./support/app.ts";
import { createTestDatabase, lockWaiters, type TestDatabase } from "./support/database.ts";
import {
  type PgBouncer,
  pgbouncerBinary,
  SERVER_CONNECTIONS_PER_DATABASE,
  startPgBouncer,
} from "./support/pgbouncer.ts";
import { eventually, startServerProcess, waitForOutput } from "./support/process.ts";

// CI installs Debian's pgbouncer (.ci/run): there a missing binary fails the suite instead of skipping it.
const binary = pgbouncerBinary();
const skip =
  binary || process.env.CI ? false : "Debian's pgbouncer is not installed (apt-get install pgbouncer)";
const serverUrl = () => process.env.TEST_SERVER_URL as string;

type Row = { contact_id: number; content: string };

describe("through PgBouncer in transaction pooling mode", { skip }, () => {
  let bouncer: PgBouncer;
  let db: TestDatabase;
  let pooled: TestServer;
  let direct: TestServer;
  before(async () => {
    assert.ok(binary, "pgbouncer is not installed");
    bouncer = await startPgBouncer(binary, serverUrl());
    db = await createTestDatabase();
    const options = { contentPath: undefined, randomSeed: 5, reset: false, interactive: false };
    await seed(
      db.pool,
      { ...options, contacts: 150, messages: 2_000, nowSeconds: Date.UTC(2026, 0, 1) / 1000 },
      () => {},
    );
    pooled = await startTestServer(db, {}, { throughPooler: bouncer.through(db.url) });
    direct = await startTestServer(db);
  });
  after(async () => {
    await pooled?.close();
    await direct?.close();
    await db?.drop();
    await bouncer?.stop();
  });

  test("pages, cursors and searches answer as they do on a direct connection, many at once", async () => {
    const first = await direct.get("/conversations?limit=20");
    const cursor = first.headers.get("x-next-cursor");
    assert.ok(cursor);
    const names = (first.body as Array<{ name: string }>).map((r) => r.name);
    const paths = [
      "/conversations",
      "/conversations?page=3&limit=20",
      `/conversations?limit=20&cursor=${encodeURIComponent(cursor)}`,
      `/conversations?searchValue=${encodeURIComponent(names[0]?.split(" ")[0] ?? "a")}`,
      "/conversations?searchValue=the",
      "/conversations?searchValue=th",
      "/conversations?searchValue=55",
      "/conversations?searchValue=zzqx",
    ];
    // Eight paths, four rounds at once: far more clients than the pooler's two server connections, so the
    // statements of one pool client run on several server connections (a named statement would fail there).
    const rounds = [1, 2, 3, 4].flatMap(() => paths);
    const answers = await Promise.all(rounds.map((p) => pooled.get(p)));
    for (const [i, answer] of answers.entries()) {
      const expected = await direct.get(rounds[i] as string);
      assert.equal(answer.status, 200, `${rounds[i]}: ${JSON.stringify(answer.body)}`);
      assert.deepEqual(answer.body, expected.body, rounds[i]);
    }
  });

  test("writes through the pooler move the list exactly", async () => {
    const contact = await pooled.send("POST", "/contacts", {
      name: "Pooled Person",
      phone_number: "+1 212 555 0199",
    });
    assert.equal(contact.status, 201);
    const { id } = contact.body as { id: number };
    const posted = await Promise.all(
      ["first", "second", "third"].map((content) =>
        pooled.send("POST", `/contacts/${id}/messages`, {
          content: `${content} via pgbouncer`,
          direction: "inbound",
        }),
      ),
    );
    assert.deepEqual(
      posted.map((p) => p.status),
      [201, 201, 201],
    );
    const top = async () => ((await pooled.get("/conversations?limit=1")).body as Row[])[0];
    // Which of the three is newest is the database's order (they may share a timestamp): read it directly.
    const { rows } = await db.pool.query<{ id: number; content: string }>(
      "SELECT id, content FROM messages WHERE contact_id = $1 ORDER BY timestamp DESC, id DESC LIMIT 2",
      [id],
    );
    const newest = await top();
    assert.deepEqual(newest, ((await direct.get("/conversations?limit=1")).body as Row[])[0]);
    assert.equal(newest?.contact_id, id);
    assert.equal(newest?.content, rows[0]?.content);
    assert.equal((await pooled.send("DELETE", `/messages/${rows[0]?.id}`)).status, 204);
    assert.equal((await top())?.content, rows[1]?.content);
  });

  test("a search whose client goes away is cancelled in PostgreSQL, through the pooler", async () => {
    // The change feeds read the rows the previous test's writes changed, the pooled server's through the
    // pooler, where they may queue for a server connection: once they are done, only the searches will wait.
    assert.ok(await eventually(() => quietFor(db.pool, 250), 10_000), "the change feeds kept reading");
    const locker = new pg.Client({ connectionString: db.url });
    await locker.connect();
    try {
      await locker.query("BEGIN; LOCK TABLE messages IN ACCESS EXCLUSIVE MODE");
      // One search per server connection the pooler has: each waits inside PostgreSQL on the lock.
      const abandoned = Array.from({ length: SERVER_CONNECTIONS_PER_DATABASE }, () => new AbortController());
      const requests = abandoned.map((c, i) =>
        fetch(`${pooled.url}/conversations?searchValue=cancel${i}`, { signal: c.signal }).catch(
          (e: Error) => e.name,
        ),
      );
      assert.ok(await eventually(async () => (await lockWaiters(db.pool)) === abandoned.length, 5_000));
      for (const c of abandoned) c.abort();
      assert.deepEqual(
        await Promise.all(requests),
        abandoned.map(() => "AbortError"),
      );
      // Still inside the lock (the statement timeout is 30 s here): only a cancel through the pooler ends them.
      assert.ok(
        await eventually(async () => (await lockWaiters(db.pool)) === 0, 3_000),
        `searches kept waiting: ${JSON.stringify((await db.pool.query("SELECT pid, backend_start, query_start, now(), left(query, 60) AS q FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'")).rows)}`,
      );
    } finally {
      await locker.query("ROLLBACK").catch(() => {});
      await locker.end();
    }
    const after = await pooled.get("/conversations?searchValue=cancel");
    assert.equal(after.status, 200, JSON.stringify(after.body));
  });
});

describe("the statement timeout through PgBouncer", { skip }, () => {
  let bouncer: PgBouncer;
  let db: TestDatabase;
  let server: TestServer;
  before(async () => {
    assert.ok(binary, "pgbouncer is not installed");
    bouncer = await startPgBouncer(binary, serverUrl());
    db = await createTestDatabase();
    server = await startTestServer(
      db,
      {},
      { throughPooler: bouncer.through(db.url), statementTimeoutMs: 400 },
    );
  });
  after(async () => {
    await server?.close();
    await db?.drop();
    await bouncer?.stop();
  });

  test("is the role's default there, and ends a stuck search with a 503", async () => {
    const client = new pg.Client({ connectionString: bouncer.through(db.url) });
    await client.connect();
    const { rows } = await client.query<{ timeout: string; zone: string }>(
      "SELECT current_setting('statement_timeout') AS timeout, current_setting('TimeZone') AS zone",
    );
    await client.end();
    assert.deepEqual(rows[0], { timeout: "400ms", zone: "UTC" });

    const locker = new pg.Client({ connectionString: db.url });
    await locker.connect();
    try {
      await locker.query("BEGIN; LOCK TABLE messages IN ACCESS EXCLUSIVE MODE");
      const started = Date.now();
      const stuck = await server.get("/conversations?searchValue=timeout");
      assert.equal(stuck.status, 503, JSON.stringify(stuck.body));
      assert.match((stuck.body as { detail: string }).detail, /took too long/);
      assert.ok(Date.now() - started < 5_000);
    } finally {
      await locker.query("ROLLBACK");
      await locker.end();
    }
  });
});

describe("npm start behind PgBouncer", { skip }, () => {
  let bouncer: PgBouncer;
  const database = `pooled_start_${process.pid}`;
  before(async () => {
    assert.ok(binary, "pgbouncer is not installed");
    bouncer = await startPgBouncer(binary, serverUrl());
    // An empty database: the migrations (which hold an advisory lock across statements) must take the direct way.
    await createDatabaseIfMissing(serverUrl(), database);
  });
  after(async () => {
    await bouncer?.stop();
    const admin = new pg.Client({ connectionString: serverUrl() });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  });

  test("DATABASE_URL through it alone: a clear refusal naming DATABASE_DIRECT_URL", async () => {
    const run = startServerProcess({ DATABASE_URL: bouncer.through(withDatabase(serverUrl(), database)) });
    assert.equal(await run.exit, 1);
    assert.match(run.output(), /DATABASE_DIRECT_URL/);
  });

  test("with DATABASE_DIRECT_URL: migrates directly, serves through the pooler, stops with 0", async () => {
    const port = await freePort();
    const run = startServerProcess({
      DATABASE_URL: bouncer.through(withDatabase(serverUrl(), database)),
      DATABASE_DIRECT_URL: withDatabase(serverUrl(), database),
      PORT: String(port),
      WEB_CONCURRENCY: "2",
    });
    await waitForOutput(run, `listening on http://127.0.0.1:${port}`, 60_000);
    assert.match(run.output(), /session defaults set on the database role/);
    assert.equal((await fetch(`http://127.0.0.1:${port}/readyz`)).status, 200);
    const created = await fetch(`http://127.0.0.1:${port}/contacts`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "Started Behind Pooler", phone_number: "+1 212 555 0142" }),
    });
    assert.equal(created.status, 201);
    const list = await fetch(`http://127.0.0.1:${port}/conversations?searchValue=pooler`);
    assert.equal(list.status, 200);
    run.child.kill("SIGTERM");
    assert.equal(await run.exit, 0);
  });
});

/** Backends of the database behind `pool` running a statement, besides the one asking. */
/** No statement of this database runs now, nor `ms` later (longer than the feed's batch window). */
async function quietFor(pool: pg.Pool, ms: number): Promise<boolean> {
  if ((await busyBackends(pool)) > 0) return false;
  await new Promise((resolve) => setTimeout(resolve, ms));
  return (await busyBackends(pool)) === 0;
}

async function busyBackends(pool: pg.Pool): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_stat_activity
      WHERE datname = current_database() AND state = 'active' AND pid <> pg_backend_pid()`,
  );
  return rows[0]?.n ?? 0;
}
