import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { createSampleKeeper } from "../src/conversations/search-sample.ts";
import { createTestDatabase, type TestDatabase, testLogger } from "./support/database.ts";

/** The planner's sample, read from a real database: what it holds of each sampled conversation. */
let db: TestDatabase;

before(async () => {
  db = await createTestDatabase();
  // 40 contacts; contact k has k messages, one of them in capitals, so the sample must fold case.
  await db.pool.query(
    `INSERT INTO contacts (name, phone_number)
     SELECT 'Ann ' || k, '+1 555 010 ' || lpad(k::text, 4, '0') FROM generate_series(1, 40) k`,
  );
  await db.pool.query(
    `INSERT INTO messages (contact_id, content, direction, "timestamp")
     SELECT c.id, CASE WHEN n = 1 THEN 'HELLO Number ' || c.id ELSE 'line ' || n END, 'inbound',
            timestamptz '2026-01-01' + (c.id * 100 + n) * interval '1 second'
       FROM contacts c, generate_series(1, c.id::int) n`,
  );
  await db.pool.query("ANALYZE contacts, messages");
});

after(async () => db.drop());

test("the sample holds sampled conversations' recent texts folded to lower case, newest first", async () => {
  const keeper = createSampleKeeper(db.pool, testLogger, 60_000);
  try {
    assert.equal(keeper.isLoaded(), false);
    await keeper.refresh();
    assert.equal(keeper.isLoaded(), true);
    const { conversations, totalMessages } = keeper.current();
    // Fewer contacts than the sample's size: every conversation is in it.
    assert.equal(conversations.length, 40);
    assert.equal(totalMessages, 820);
    for (const c of conversations) {
      const id = Number(c.name.replace("ann ", ""));
      assert.equal(c.messages, id);
      const lines = c.text.split("\n");
      assert.equal(lines.length, id);
      assert.equal(lines.at(-1), `hello number ${id}`, "the oldest message comes last, folded");
      if (id > 1) assert.equal(lines[0], `line ${id}`, "the newest message comes first");
      assert.equal(c.digits, `1555010${String(id).padStart(4, "0")}`);
    }
  } finally {
    keeper.stop();
  }
});
