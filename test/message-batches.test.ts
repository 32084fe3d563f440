import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type pg from "pg";
import { createPool, type Pool } from "../src/db/pool.ts";
import { createMessageQueries } from "../src/messages/queries.ts";
import { createTestDatabase, type TestDatabase, testLogger } from "./support/database.ts";
import { eventually } from "./support/process.ts";

/**
 * Concurrent inserts share one INSERT (src/messages/sql/insert.sql). Inserts get two statements in flight; a test
 * fills both with messages held up by row locks, so the messages submitted meanwhile leave together in the next
 * statement.
 */
let db: TestDatabase;
let pool: Pool;
let messages: ReturnType<typeof createMessageQueries>;

before(async () => {
  db = await createTestDatabase();
  pool = createPool({ url: db.url, size: 2, statementTimeoutMs: 10_000, logger: testLogger });
  messages = createMessageQueries(pool);
});
after(async () => {
  await pool.end();
  await db.drop();
});

const newContacts = async (count: number): Promise<number[]> => {
  const { rows } = await db.pool.query<{ id: number }>(
    `INSERT INTO contacts (name, phone_number)
     SELECT 'Batch ' || i, '+1 718 555 ' || lpad((floor(random() * 1e4))::text, 4, '0') || i
       FROM generate_series(1, $1) i RETURNING id`,
    [count],
  );
  return rows.map((r) => r.id);
};

/** A transaction on its own connection that holds a lock until `end` commits it. */
async function holding(sql: string, values: unknown[]): Promise<{ end(): Promise<void> }> {
  const client: pg.PoolClient = await db.pool.connect();
  await client.query("BEGIN");
  await client.query(sql, values);
  return {
    async end() {
      await client.query("COMMIT");
      client.release();
    },
  };
}

/** Until `count` insert statements wait for a row lock. */
const insertsWaitingForALock = (count: number) =>
  eventually(async () => {
    const { rows } = await db.pool.query(
      "SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%WITH batch%'",
    );
    return rows.length >= count;
  }, 5_000);

/** Both insert slots taken by messages to contacts whose rows are locked; `release` lets them finish. */
async function holdBothSlots(): Promise<{ release(): Promise<void> }> {
  const contacts = await newContacts(2);
  const locks = await Promise.all(
    contacts.map((id) => holding("SELECT FROM contacts WHERE id = $1 FOR UPDATE", [id])),
  );
  const held = contacts.map((contactId) =>
    messages.add({ contactId, content: "held up", direction: "inbound" }),
  );
  assert.ok(await insertsWaitingForALock(2));
  return {
    async release() {
      for (const lock of locks) await lock.end();
      await Promise.all(held);
    },
  };
}

test("messages sent together get their own rows back, in arrival order per contact", async () => {
  const [b, c] = (await newContacts(2)) as [number, number];
  const slots = await holdBothSlots();
  const together = [
    messages.add({ contactId: c, content: "to c", direction: "outbound" }),
    messages.add({ contactId: b, content: "b first", direction: "inbound" }),
    messages.add({ contactId: 999_999_999, content: "nobody", direction: "inbound" }),
    messages.add({ contactId: b, content: "b second", direction: "outbound" }),
    messages.add({
      contactId: c,
      content: "c back-dated",
      direction: "inbound",
      timestamp: "2020-01-01T00:00:00Z",
    }),
  ];
  // Settled from the start: the 404 may come while the second slot is still being released.
  const settled = Promise.allSettled(together);
  await slots.release();
  const [toC, bFirst, nobody, bSecond, backDated] = await settled;
  assert.equal(nobody?.status, "rejected");
  assert.match(String((nobody as PromiseRejectedResult).reason), /contact not found/);
  const rows = [toC, bFirst, bSecond, backDated].map((r) => {
    assert.equal(r?.status, "fulfilled");
    return (r as PromiseFulfilledResult<Awaited<(typeof together)[0]>>).value;
  });
  assert.deepEqual(
    rows.map((m) => [m.contact_id, m.content]),
    [
      [c, "to c"],
      [b, "b first"],
      [b, "b second"],
      [c, "c back-dated"],
    ],
  );
  assert.equal(rows[3]?.timestamp, "2020-01-01T00:00:00.000Z");
  // One statement, one now(): equal timestamps, ordered by id in the order the messages arrived.
  assert.equal(rows[1]?.timestamp, rows[2]?.timestamp);
  assert.ok((rows[1]?.message_id ?? 0) < (rows[2]?.message_id ?? 0));
  const { rows: pointers } = await db.pool.query(
    "SELECT id, last_message_id FROM contacts WHERE id = ANY($1) ORDER BY id",
    [[b, c]],
  );
  assert.deepEqual(pointers, [
    { id: b, last_message_id: rows[2]?.message_id },
    { id: c, last_message_id: rows[0]?.message_id },
  ]);
});

test("a contact deleted under a batch fails only its own message; the others are inserted once", async () => {
  const [kept, deleted] = (await newContacts(2)) as [number, number];
  const deletion = await holding("DELETE FROM contacts WHERE id = $1", [deleted]);
  const slots = await holdBothSlots();
  const survivor = messages.add({ contactId: kept, content: "survives", direction: "inbound" });
  const orphan = assert.rejects(
    messages.add({ contactId: deleted, content: "orphan", direction: "inbound" }),
    /contact not found/,
  );
  await slots.release();
  // The batch saw the contact (its deletion is not committed) and now waits on it in the foreign key check.
  assert.ok(await insertsWaitingForALock(1));
  await deletion.end();
  assert.equal((await survivor).content, "survives");
  await orphan;
  const { rows } = await db.pool.query("SELECT count(*)::int AS n FROM messages WHERE contact_id = $1", [
    kept,
  ]);
  assert.deepEqual(rows, [{ n: 1 }]);
});

test("a value the database refuses fails only its own message; the others are inserted once", async () => {
  const [kept] = (await newContacts(1)) as [number];
  const slots = await holdBothSlots();
  const survivor = messages.add({ contactId: kept, content: "survives", direction: "inbound" });
  // Past the validator (it refuses this offset): PostgreSQL's timestamptz stops at ±15:59 (SQLSTATE 22009).
  const refused = assert.rejects(
    messages.add({
      contactId: kept,
      content: "refused",
      direction: "inbound",
      timestamp: "2000-01-10T23:18:35+16:00",
    }),
    { code: "22009" },
  );
  await slots.release();
  assert.equal((await survivor).content, "survives");
  await refused;
  const { rows } = await db.pool.query("SELECT content FROM messages WHERE contact_id = $1", [kept]);
  assert.deepEqual(rows, [{ content: "survives" }]);
});
