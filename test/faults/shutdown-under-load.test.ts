import assert from "node:assert/strict";
import { connect } from "node:net";
import { after, before, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { countWrongPointers } from "../../src/conversations/integrity.ts";
import { freePort } from "../../src/db/process.ts";
import { createTestDatabase, type TestDatabase } from "../support/database.ts";
import { eventually, startServerProcess, waitForOutput } from "../support/process.ts";

const WRITERS = 8;

let db: TestDatabase;
before(async () => {
  db = await createTestDatabase();
});
after(async () => db.drop());

type Outcome = { status: number; messageId?: number; failure?: string };

function postMessage(api: string, contactId: number, content: string): Promise<Outcome> {
  return fetch(`${api}/contacts/${contactId}/messages`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ content, direction: "outbound" }),
  }).then(
    async (response) => ({
      status: response.status,
      messageId: ((await response.json()) as { message_id?: number }).message_id,
    }),
    (error: Error) => ({ status: 0, failure: String((error.cause as Error | undefined)?.message ?? error) }),
  );
}

function refusesConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", () => resolve(true));
  });
}

test("SIGTERM under write load: in-flight requests finish, new ones are refused, exit 0, nothing half-written", async () => {
  const port = await freePort();
  const api = `http://127.0.0.1:${port}`;
  const run = startServerProcess({ DATABASE_URL: db.url, PORT: String(port) });
  const locker = new pg.Client({ connectionString: db.url });
  try {
    await waitForOutput(run, "listening on");
    const contacts = await Promise.all(
      ["+1 415 555 0101", "+1 415 555 0102"].map(async (phone) => {
        const response = await fetch(`${api}/contacts`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ name: "Busy", phone_number: phone }),
        });
        return ((await response.json()) as { id: number }).id;
      }),
    );
    const [busy, held] = contacts as [number, number];

    // A write that will be mid-transaction when SIGTERM arrives: its trigger waits for the held contact row.
    await locker.connect();
    await locker.query("BEGIN");
    await locker.query("SELECT 1 FROM contacts WHERE id = $1 FOR UPDATE", [held]);
    const inFlight = postMessage(api, held, "in flight at SIGTERM");

    const stop = { done: false };
    const writers = Array.from({ length: WRITERS }, async (_, w) => {
      const outcomes: Outcome[] = [];
      for (let i = 0; !stop.done; i++) {
        const outcome = await postMessage(api, busy, `writer ${w} message ${i}`);
        outcomes.push(outcome);
        if (outcome.status === 0) break;
      }
      return outcomes;
    });
    await sleep(700);
    const sigtermAt = Date.now();
    run.child.kill("SIGTERM");
    assert.ok(await eventually(() => refusesConnections(port), 2_000), "new connections still accepted");
    await sleep(300);
    await locker.query("ROLLBACK");
    const held201 = await inFlight;
    const exitCode = await Promise.race([run.exit, sleep(15_000, "still running", { ref: false })]);
    const drainMs = Date.now() - sigtermAt;
    stop.done = true;
    const outcomes = (await Promise.all(writers)).flat();

    assert.equal(exitCode, 0, run.output().slice(-2_000));
    // The held write was released 300 ms after SIGTERM: the drain ends with the work, not at its 10 s cap.
    assert.ok(drainMs < 3_000, `exit took ${drainMs} ms after SIGTERM`);
    assert.equal(held201.status, 201, "the write in flight at SIGTERM finished");
    const answered = outcomes.filter((o) => o.status !== 0);
    assert.ok(answered.length > WRITERS, "the writers were busy when SIGTERM came");
    assert.deepEqual(
      answered.filter((o) => o.status !== 201),
      [],
      "every answered write succeeded",
    );
    const acknowledged = [held201, ...answered].map((o) => o.messageId).sort((a, b) => Number(a) - Number(b));
    const { rows } = await db.pool.query<{ id: number }>(
      "SELECT id FROM messages WHERE contact_id = ANY($1) ORDER BY id",
      [contacts],
    );
    assert.deepEqual(
      rows.map((r) => r.id),
      acknowledged,
      "exactly the acknowledged messages are stored",
    );
    assert.equal(await countWrongPointers(db.pool), 0);
  } finally {
    run.child.kill("SIGKILL");
    await locker.end().catch(() => {});
  }
});
