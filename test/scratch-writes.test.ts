import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startScratchWrites } from "../bench/scratch-writes.ts";
import { countWrongSummaries } from "../src/conversations/integrity.ts";
import { seed } from "../src/seed/seed.ts";
import { createTestDatabase, type TestDatabase } from "./support/database.ts";

let db: TestDatabase;

before(async () => {
  db = await createTestDatabase();
  const options = { contacts: 50, messages: 600, contentPath: undefined, randomSeed: 5 };
  await seed(db.pool, { ...options, reset: false, interactive: false }, () => {});
});
after(() => db.drop());

/** Every contact's summaries and pointer, to compare before and after. */
async function snapshot() {
  const { rows } = await db.pool.query(
    `SELECT c.id, c.content_signature::text, c.signature_exact, c.last_message_id, t.bloom::text AS bloom
       FROM contacts c LEFT JOIN contact_trigrams t ON t.contact_id = c.id ORDER BY c.id`,
  );
  return rows;
}

test("a benchmark's scratch writes leave the data set, summaries included, as they found it", async () => {
  const found = await snapshot();
  assert.ok(found.every((c) => c.signature_exact));
  const scratch = await startScratchWrites(db.pool);
  await db.pool.query(
    `INSERT INTO messages (contact_id, content, direction)
     SELECT id, 'scratch ' || md5(id::text) || ' qz', 'inbound' FROM contacts WHERE id % 3 = 0`,
  );
  assert.notDeepEqual(await snapshot(), found);
  await scratch.undo();
  assert.deepEqual(await snapshot(), found);
  assert.equal(await countWrongSummaries(db.pool), 0);
});
