import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { chooseRelations, startCacheWarmUp } from "../src/db/warm-up.ts";
import { createTestDatabase, type TestDatabase, testLogger } from "./support/database.ts";

let db: TestDatabase;
const PROBES = "ARRAY['warm_up_probe', 'warm_up_probe_id']::regclass[]";

before(async () => {
  db = await createTestDatabase();
  // A few MB, so the warm-up has whole chunks to load; pg_buffercache shows what is cached and can evict it.
  await db.pool.query(
    "CREATE TABLE warm_up_probe AS SELECT g AS id, repeat(md5(g::text), 6) AS filler FROM generate_series(1, 20000) g",
  );
  await db.pool.query("CREATE INDEX warm_up_probe_id ON warm_up_probe (id)");
  await db.pool.query("CREATE EXTENSION pg_buffercache");
});
after(() => db.drop());

test("relations are chosen smallest first within the budget, and one that does not fit is skipped whole", () => {
  const relations = [
    { name: "messages", blocks: 900 },
    { name: "contacts", blocks: 60 },
    { name: "timeline", blocks: 300 },
    { name: "conversation_order", blocks: 90 },
  ];
  const { warm, skip } = chooseRelations(relations, 500);
  assert.deepEqual(
    warm.map((r) => r.name),
    ["contacts", "conversation_order", "timeline"],
  );
  assert.deepEqual(
    skip.map((r) => r.name),
    ["messages"],
  );
});

test("after the warm-up every block of the schema's relations is in shared buffers", async () => {
  await db.pool.query(`SELECT pg_buffercache_evict_relation(r) FROM unnest(${PROBES}) r`);
  assert.equal(await uncachedBlocks(), await relationBlocks(), "the probe starts evicted");
  const warmUp = startCacheWarmUp(db.pool, testLogger);
  assert.equal(warmUp.progress().state, "warming");
  await warmUp.done;
  assert.equal(await uncachedBlocks(), 0);
  const progress = warmUp.progress();
  assert.equal(progress.state, "warm");
  assert.ok("loadedMb" in progress && progress.loadedMb > 0 && progress.loadedMb === progress.totalMb);
});

test("a warm-up stopped at shutdown ends after its chunk in flight, without a warning", async () => {
  await db.pool.query(`SELECT pg_buffercache_evict_relation(r) FROM unnest(${PROBES}) r`);
  const warnings: unknown[] = [];
  const logger = Object.assign(Object.create(testLogger), {
    warn: (...args: unknown[]) => warnings.push(args),
  });
  const warmUp = startCacheWarmUp(db.pool, logger);
  warmUp.stop();
  await warmUp.done;
  assert.deepEqual(warnings, []);
  assert.notEqual(warmUp.progress().state, "failed");
  assert.ok((await uncachedBlocks()) > 0, "it stopped before loading everything");
});

async function relationBlocks(): Promise<number> {
  const { rows } = await db.pool.query<{ n: number }>(
    `SELECT sum(pg_relation_size(r) / current_setting('block_size')::int)::int AS n
       FROM unnest(${PROBES}) r`,
  );
  return rows[0]?.n ?? -1;
}

/** Blocks of the probe table and its index that are not in shared buffers. */
async function uncachedBlocks(): Promise<number> {
  const { rows } = await db.pool.query<{ n: number }>(
    `SELECT (sum(pg_relation_size(r) / current_setting('block_size')::int)
             - (SELECT count(*) FROM pg_buffercache b
                 WHERE b.reldatabase = (SELECT oid FROM pg_database WHERE datname = current_database())
                   AND b.relforknumber = 0
                   AND b.relfilenode IN (SELECT pg_relation_filenode(x)
                                           FROM unnest(${PROBES}) x)))::int AS n
       FROM unnest(${PROBES}) r`,
  );
  return rows[0]?.n ?? -1;
}
