import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type pg from "pg";
import { createPool, type Pool } from "../src/db/pool.ts";
import { createSharedReads } from "../src/db/shared-reads.ts";
import { createTestDatabase, type TestDatabase, testLogger } from "./support/database.ts";

/** One connection, so a test can hold it and make reads queue for it. */
let db: TestDatabase;
let pool: Pool;

before(async () => {
  db = await createTestDatabase();
  pool = createPool({ url: db.url, size: 1, statementTimeoutMs: 10_000, logger: testLogger });
  await db.pool.query("CREATE TABLE shared_reads_probe (n int)");
});
after(async () => {
  await pool.end();
  await db.drop();
});

/** A read that counts how often it ran and what it saw. */
function countingRead(sql = "SELECT count(*)::int AS n FROM shared_reads_probe") {
  const runs = { count: 0 };
  const work = async (client: pg.PoolClient) => {
    runs.count++;
    return (await client.query<{ n: number }>(sql)).rows[0]?.n;
  };
  return { runs, work };
}

test("identical reads waiting for a connection run once and see writes committed before each arrived", async () => {
  const read = createSharedReads(pool);
  const { runs, work } = countingRead();
  const held = await pool.connect();
  const early = [read("k", undefined, work), read("k", undefined, work)];
  const other = read("other", undefined, work);
  await db.pool.query("INSERT INTO shared_reads_probe VALUES (1)");
  const late = read("k", undefined, work);
  held.release();
  assert.deepEqual(await Promise.all([...early, late]), [1, 1, 1]);
  assert.equal(await other, 1);
  assert.equal(runs.count, 2, "one run for the three identical reads, one for the other key");
});

test("a read arriving after the shared statement started runs on its own", async () => {
  const read = createSharedReads(pool);
  const { runs, work } = countingRead("SELECT 1 AS n FROM pg_sleep(0.2)");
  const first = read("k", undefined, work);
  while (runs.count === 0) await new Promise((r) => setTimeout(r, 5));
  const second = read("k", undefined, work);
  assert.deepEqual(await Promise.all([first, second]), [1, 1]);
  assert.equal(runs.count, 2);
});

test("the shared read is cancelled only once every request in it has gone away", async () => {
  const read = createSharedReads(pool);
  const { runs, work } = countingRead("SELECT 7 AS n");
  let held = await pool.connect();
  const [leaving, staying] = [new AbortController(), new AbortController()];
  const kept = [read("k", leaving.signal, work), read("k", staying.signal, work)];
  leaving.abort();
  held.release();
  assert.deepEqual(await Promise.all(kept), [7, 7], "one request left, the other still got its answer");

  held = await pool.connect();
  const everyone = [new AbortController(), new AbortController()];
  const abandoned = everyone.map((c) => read("k", c.signal, work));
  for (const c of everyone) c.abort();
  const newcomer = read("k", undefined, work);
  held.release();
  for (const r of abandoned) await assert.rejects(r, { name: "AbortError" });
  assert.equal(await newcomer, 7, "a request after everyone left starts a read of its own");
  assert.equal(runs.count, 2, "the abandoned read never ran");
});
