import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { hugePagesNote, readHugePages, reportHugePages } from "../src/db/huge-pages.ts";
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

test("the start-up note is logged once, as the server's status calls for", async () => {
  const notes: string[] = [];
  const logger = Object.assign(Object.create(testLogger), { info: (message: string) => notes.push(message) });
  await reportHugePages(db.pool, logger);
  const note = hugePagesNote(await readHugePages(db.pool));
  assert.deepEqual(notes, note ? [note] : []);
});

test("off names the sysctl and the page count to reserve; on says so; an unknown status says nothing", () => {
  const off = hugePagesNote({ status: "off", pagesNeeded: 3111 });
  assert.match(off ?? "", /sysctl -w vm\.nr_hugepages=3111, then restart/);
  assert.doesNotMatch(hugePagesNote({ status: "off", pagesNeeded: null }) ?? "", /sysctl/);
  assert.equal(
    hugePagesNote({ status: "on", pagesNeeded: 3111 }),
    "PostgreSQL's shared memory uses reserved huge pages",
  );
  assert.equal(hugePagesNote({ status: "unknown", pagesNeeded: null }), null);
});
