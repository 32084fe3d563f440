import assert from "node:assert/strict";
import { test } from "node:test";
import { countWrongPointers, countWrongSummaries } from "../src/conversations/integrity.ts";
import { refreshInexactSignatures } from "../src/conversations/signature-refresh.ts";
import { createRandom } from "../src/seed/random.ts";
import { testServerForFile } from "./support/app.ts";
import { loadOracle } from "./support/oracle.ts";

const WRITERS = 16;
const OPERATIONS_PER_WRITER = 200;
const SHARED_CONTACTS = 4;

const ctx = testServerForFile();

/**
 * 16 writers hammer 4 shared contacts with inserts (random, repeated and current timestamps, so back-dated
 * messages and exact ties happen) mixed with deletes of messages they wrote, possibly each contact's latest,
 * and read marks (up to the latest, or up to one of their messages). Meanwhile the background repair
 * recomputes the signatures the deletes left inexact. Afterwards every last-message pointer must equal the
 * true latest, every unread count the inbound messages past its marker, every signature must cover its
 * contact's messages (and equal them where marked exact), and the list must equal the oracle.
 */
test("concurrent inserts, deletes and read marks keep every conversation exact", async () => {
  const contacts: number[] = [];
  for (let i = 0; i < SHARED_CONTACTS; i++) {
    const res = await ctx.server.send("POST", "/contacts", {
      name: `Shared ${i}`,
      phone_number: `+1 646 555 01${i}0`,
    });
    contacts.push((res.body as { id: number }).id);
  }
  const times = Array.from({ length: 12 }, (_, i) => new Date(Date.UTC(2025, 5, 1, 12, i)).toISOString());
  const writer = async (seed: number) => {
    const random = createRandom(seed);
    const mine: number[] = [];
    const contactOf = new Map<number, number>();
    let failures = 0;
    for (let op = 0; op < OPERATIONS_PER_WRITER; op++) {
      if (random.chance(0.1)) {
        const upTo = mine.length > 0 && random.chance(0.5) ? mine[random.int(mine.length)] : undefined;
        const contact = upTo ? contactOf.get(upTo) : contacts[random.int(contacts.length)];
        const res = await ctx.server.send(
          "POST",
          `/contacts/${contact}/read`,
          upTo ? { message_id: upTo } : {},
        );
        if (res.status !== 200) failures++;
        continue;
      }
      if (mine.length > 0 && random.chance(0.2)) {
        const [id] = mine.splice(random.int(mine.length), 1);
        const res = await ctx.server.send("DELETE", `/messages/${id}`);
        if (res.status !== 204) failures++;
        continue;
      }
      const body: Record<string, string> = {
        // A random letter pair, so deletes leave stale signature bits for the repair to race over.
        content: `w${seed} op${op} ${letter(random)}${letter(random)}`,
        direction: random.chance(0.5) ? "inbound" : "outbound",
      };
      if (random.chance(0.7)) body.timestamp = times[random.int(times.length)] as string;
      const contact = contacts[random.int(contacts.length)] as number;
      const res = await ctx.server.send("POST", `/contacts/${contact}/messages`, body);
      if (res.status !== 201) {
        failures++;
        continue;
      }
      const id = (res.body as { message_id: number }).message_id;
      mine.push(id);
      contactOf.set(id, contact);
    }
    return failures;
  };
  let writing = true;
  // The background repair of signatures, racing with the writers on the same contacts.
  const repair = async () => {
    let refreshed = 0;
    while (writing) refreshed += await refreshInexactSignatures(ctx.db.pool, 2);
    return refreshed;
  };
  const repairing = repair();
  const failures = await Promise.all(Array.from({ length: WRITERS }, (_, i) => writer(i + 1)));
  writing = false;
  assert.deepEqual(failures, Array(WRITERS).fill(0), "every write answered as expected");
  assert.ok((await repairing) > 0, "the repair ran during the writes");

  assert.equal(await countWrongPointers(ctx.db.pool), 0);
  assert.equal(await countWrongSummaries(ctx.db.pool), 0);
  const oracle = await loadOracle(ctx.db.pool);
  assert.ok(oracle.messages.length > WRITERS * OPERATIONS_PER_WRITER * 0.5);
  assert.deepEqual((await ctx.server.get("/conversations")).body, oracle.expected().slice(0, 50));
});

function letter(random: ReturnType<typeof createRandom>): string {
  return String.fromCharCode(97 + random.int(26));
}

/** Two sessions interleaved by hand, at the points where a trigger that read before locking would go wrong. */
async function twoSessions() {
  const a = await ctx.db.pool.connect();
  const b = await ctx.db.pool.connect();
  const release = () => {
    a.release();
    b.release();
  };
  return { a, b, release };
}

async function contactWithMessages(times: string[]): Promise<{ contact: number; ids: number[] }> {
  const { rows } = await ctx.db.pool.query<{ id: number }>(
    "INSERT INTO contacts (name, phone_number) VALUES ('Race', '+1 917 ' || (random() * 1e7)::bigint) RETURNING id",
  );
  const contact = (rows[0] as { id: number }).id;
  const ids: number[] = [];
  for (const t of times) {
    const res = await ctx.db.pool.query<{ id: number }>(
      `INSERT INTO messages (contact_id, content, direction, "timestamp") VALUES ($1, 'm', 'inbound', $2) RETURNING id`,
      [contact, t],
    );
    ids.push((res.rows[0] as { id: number }).id);
  }
  return { contact, ids };
}

const pointer = async (contact: number) =>
  (await ctx.db.pool.query("SELECT last_message_id AS id FROM contacts WHERE id = $1", [contact])).rows[0]
    ?.id;

test("a back-dated insert racing the delete of the latest message ends as the latest", async () => {
  const { contact, ids } = await contactWithMessages(["2025-01-01T00:00:00Z", "2025-03-01T00:00:00Z"]);
  const { a, b, release } = await twoSessions();
  try {
    await a.query("BEGIN");
    const inserted = await a.query<{ id: number }>(
      `INSERT INTO messages (contact_id, content, direction, "timestamp") VALUES ($1, 'n', 'inbound', '2025-02-01T00:00:00Z') RETURNING id`,
      [contact],
    );
    const deleting = b.query("DELETE FROM messages WHERE id = $1", [ids[1]]);
    await new Promise((r) => setTimeout(r, 200));
    await a.query("COMMIT");
    await deleting;
    assert.equal(await pointer(contact), inserted.rows[0]?.id);
  } finally {
    release();
  }
});

test("deleting the latest while an older message is being deleted never points at the deleted one", async () => {
  const { contact, ids } = await contactWithMessages([
    "2025-01-01T00:00:00Z",
    "2025-02-01T00:00:00Z",
    "2025-03-01T00:00:00Z",
  ]);
  const { a, b, release } = await twoSessions();
  try {
    await a.query("BEGIN");
    await a.query("DELETE FROM messages WHERE id = $1", [ids[1]]);
    const deleting = b.query("DELETE FROM messages WHERE id = $1", [ids[2]]);
    await new Promise((r) => setTimeout(r, 200));
    await a.query("COMMIT");
    await deleting;
    assert.equal(await pointer(contact), ids[0]);
  } finally {
    release();
  }
});

const unread = async (contact: number) =>
  (await ctx.db.pool.query("SELECT unread_count AS n FROM contacts WHERE id = $1", [contact])).rows[0]?.n;

test("a read mark waiting for an insert's lock counts the message that insert commits", async () => {
  const { contact, ids } = await contactWithMessages(["2025-01-01T00:00:00Z", "2025-02-01T00:00:00Z"]);
  const { a, b, release } = await twoSessions();
  try {
    await a.query("BEGIN");
    await a.query(
      `INSERT INTO messages (contact_id, content, direction, "timestamp") VALUES ($1, 'n', 'inbound', '2025-03-01T00:00:00Z')`,
      [contact],
    );
    const marking = b.query<{ unread_count: number }>("SELECT unread_count FROM mark_read($1, $2)", [
      contact,
      ids[0],
    ]);
    await new Promise((r) => setTimeout(r, 200));
    await a.query("COMMIT");
    assert.equal((await marking).rows[0]?.unread_count, 2);
    assert.equal(await unread(contact), 2);
  } finally {
    release();
  }
});

test("an insert waiting for a read mark's lock counts itself against the new marker", async () => {
  const { contact, ids } = await contactWithMessages(["2025-01-01T00:00:00Z", "2025-02-01T00:00:00Z"]);
  const { a, b, release } = await twoSessions();
  try {
    await a.query("BEGIN");
    await a.query("SELECT mark_read($1, $2)", [contact, ids[1]]);
    // Back-dated before the new marker (read), and after it (unread).
    const inserting = b.query(
      `INSERT INTO messages (contact_id, content, direction, "timestamp")
       VALUES ($1, 'old', 'inbound', '2025-01-15T00:00:00Z'), ($1, 'new', 'inbound', '2025-03-01T00:00:00Z')`,
      [contact],
    );
    await new Promise((r) => setTimeout(r, 200));
    await a.query("COMMIT");
    await inserting;
    assert.equal(await unread(contact), 1);
    assert.equal(await countWrongPointers(ctx.db.pool, { contacts: [contact] }), 0);
  } finally {
    release();
  }
});
