import assert from "node:assert/strict";
import { test } from "node:test";
import pg from "pg";
import { countWrongPointers } from "../../src/conversations/integrity.ts";
import { testServerForFile } from "../support/app.ts";
import { eventually } from "../support/process.ts";

const file = testServerForFile();

/**
 * The backend running a statement containing `statement` while it waits on a row lock: the write is then
 * mid-transaction (its message row inserted or deleted, the trigger waiting to move the pointer).
 */
async function blockedWriter(admin: pg.Client, statement: string): Promise<number | undefined> {
  const { rows } = await admin.query<{ pid: number }>(
    `SELECT pid FROM pg_stat_activity
      WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%' || $1 || '%'`,
    [statement],
  );
  return rows[0]?.pid;
}

test("a write whose connection is killed mid-transaction leaves no trace and exact pointers", async () => {
  const { server, db } = file;
  const contact = (await server.send("POST", "/contacts", { name: "Ada", phone_number: "+44 20 7946 0001" }))
    .body as { id: number };
  const first = (
    await server.send("POST", `/contacts/${contact.id}/messages`, { content: "first", direction: "inbound" })
  ).body as { message_id: number };
  const second = (
    await server.send("POST", `/contacts/${contact.id}/messages`, {
      content: "second",
      direction: "outbound",
    })
  ).body as { message_id: number };

  const locker = new pg.Client({ connectionString: db.url });
  const admin = new pg.Client({ connectionString: db.url });
  await Promise.all([locker.connect(), admin.connect()]);
  try {
    const interrupted = [
      {
        statement: "INSERT INTO messages",
        request: () =>
          server.send("POST", `/contacts/${contact.id}/messages`, { content: "lost", direction: "inbound" }),
      },
      {
        statement: "DELETE FROM messages",
        request: () => server.send("DELETE", `/messages/${second.message_id}`),
      },
    ];
    for (const { statement, request } of interrupted) {
      // Holding the contact row makes the write's trigger wait after its row change, inside its transaction.
      await locker.query("BEGIN");
      await locker.query("SELECT 1 FROM contacts WHERE id = $1 FOR UPDATE", [contact.id]);
      const answer = request();
      const found = async () => (await blockedWriter(admin, statement)) !== undefined;
      assert.ok(await eventually(found, 5_000), `${statement} never waited on the contact row`);
      await admin.query("SELECT pg_terminate_backend($1)", [await blockedWriter(admin, statement)]);
      const { status, body } = await answer;
      assert.equal(status, 503, `${statement}: ${JSON.stringify(body)}`);
      assert.equal((body as { status: number }).status, 503);
      await locker.query("ROLLBACK");
    }

    const { rows } = await db.pool.query("SELECT id FROM messages WHERE contact_id = $1 ORDER BY id", [
      contact.id,
    ]);
    assert.deepEqual(
      rows.map((r) => r.id),
      [first.message_id, second.message_id],
      "nothing half-written",
    );
    assert.equal(await countWrongPointers(db.pool), 0);
    const conversation = (await server.get(`/contacts/${contact.id}`)).body as {
      last_message: { message_id: number };
    };
    assert.equal(conversation.last_message.message_id, second.message_id);
    // The pool replaced the killed connection: writes go through again.
    const again = await server.send("POST", `/contacts/${contact.id}/messages`, {
      content: "again",
      direction: "inbound",
    });
    assert.equal(again.status, 201);
  } finally {
    await locker.query("ROLLBACK").catch(() => {});
    await Promise.all([locker.end(), admin.end()]);
  }
});
