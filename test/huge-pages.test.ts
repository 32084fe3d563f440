import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { readHugePages, reportHugePages } from "../src/db/huge-pages.ts";
import { createTestDatabase, type TestDatabase, testLogger } from "./support/database.ts";

let db: TestDatabase;

before(async () => {
  db = await createTestDatabase();
});
after(() => db.drop());

test("the status and the pages needed are the server's own", async () => {
  const { rows } = await db.pool.query<{ status: string; needed: string }>(
    "SELECT current_setting('huge_pages_status') AS status, current_setting('shared_memory_size_in_huge_pages') AS needed",
  );
  const expected = rows[0];
  assert.ok(expected);
  assert.deepEqual(await readHugePages(db.pool), {
    status: expected.status,
    pagesNeeded: Number(expected.needed),
  });
});

test("the start-up note names the sysctl and the page count to reserve when huge pages are off", async () => {
  const notes: string[] = [];
  const logger = Object.assign(Object.create(testLogger), { info: (message: string) => notes.push(message) });
  await reportHugePages(db.pool, logger);
  const { status, pagesNeeded } = await readHugePages(db.pool);
  assert.equal(notes.length, 1);
  if (status === "off")
    assert.match(notes[0] ?? "", new RegExp(`sysctl -w vm\\.nr_hugepages=${pagesNeeded}\\b`));
  else assert.equal(notes[0], "PostgreSQL's shared memory uses reserved huge pages");
});
