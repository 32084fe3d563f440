import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import pg from "pg";
import { createPool } from "../src/db/pool.ts";
import { startTestServer, type TestServer } from "./support/app.ts";
import { testLogger } from "./support/database.ts";
import { eventually } from "./support/process.ts";
import { type ReplicaPair, startReplicaPair } from "./support/replica.ts";

/**
 * Reads on a real hot standby streaming from its primary (test/support/replica.ts), writes on the primary,
 * read-your-writes by X-Write-Token, and the standby paused, lagging, stopped and back.
 */

const MAX_LAG_MS = 500;
let pair: ReplicaPair;
let server: TestServer;
let contactId: number;
let stopAll = async () => {};

before(async () => {
  pair = await startReplicaPair();
  const pool = createPool({ url: pair.primaryUrl, size: 8, statementTimeoutMs: 30_000, logger: testLogger });
  const db = { url: pair.primaryUrl, pool, drop: () => pool.end() };
  server = await startTestServer(db, {}, { readUrls: [pair.standbyUrl], replicaMaxLagMs: MAX_LAG_MS });
  stopAll = async () => {
    await server.close();
    await db.drop();
    await pair.stop();
  };
  const created = await server.send("POST", "/contacts", { name: "Ada", phone_number: "+1 555 0100" });
  contactId = (created.body as { id: number }).id;
  await server.send("POST", `/contacts/${contactId}/messages`, { content: "first", direction: "inbound" });
  await until("the replica in rotation", async () => {
    return (await server.get("/conversations")).headers.get("x-read-source") === "replica-1";
  });
});

after(() => stopAll());

/** `check` comes true within 15 s, or the test fails naming `what`. */
async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  assert.ok(await eventually(check, 15_000), `${what}: not within 15 s`);
}

const readyReplica = async () =>
  ((await server.get("/readyz")).body as { replicas: Array<{ state: string; lagMs: number | null }> })
    .replicas[0];

const onStandby = async (sql: string, values: unknown[] = []) => {
  const client = new pg.Client({ connectionString: pair.standbyUrl });
  await client.connect();
  try {
    return (await client.query(sql, values)).rows;
  } finally {
    await client.end();
  }
};

describe("read routing", () => {
  test("the list, a search, a contact and its thread are read from the replica; writes answer a token", async () => {
    for (const path of [
      "/conversations",
      "/conversations?searchValue=firs",
      `/contacts/${contactId}`,
      `/contacts/${contactId}/messages`,
    ]) {
      const answer = await server.get(path);
      assert.equal(answer.status, 200, path);
      assert.equal(answer.headers.get("x-read-source"), "replica-1", path);
    }
    const wrote = await server.send("POST", `/contacts/${contactId}/messages`, {
      content: "second",
      direction: "outbound",
    });
    assert.equal(wrote.status, 201);
    assert.match(wrote.headers.get("x-write-token") ?? "", /^[0-9a-f]+$/);
    assert.equal(wrote.headers.get("x-read-source"), null);
  });

  test("a token that is not one this API gave: 400 naming X-Write-Token", async () => {
    const answer = await server.send("GET", "/conversations", undefined, { "x-write-token": "0/16B3748" });
    assert.equal(answer.status, 400);
    assert.equal((answer.body as { errors: Array<{ field: string }> }).errors[0]?.field, "X-Write-Token");
  });
});

describe("read-your-writes", () => {
  test("with the replica's replay paused, a read with the write's token sees the write (from the primary)", async () => {
    await pair.onStandby("SELECT pg_wal_replay_pause()");
    try {
      const wrote = await server.send("POST", `/contacts/${contactId}/messages`, {
        content: "while paused",
        direction: "inbound",
      });
      const token = wrote.headers.get("x-write-token") as string;
      const messageId = (wrote.body as { message_id: number }).message_id;
      assert.deepEqual(
        await onStandby("SELECT 1 FROM messages WHERE id = $1", [messageId]),
        [],
        "not replayed yet",
      );
      for (const path of [`/contacts/${contactId}/messages`, `/contacts/${contactId}`, "/conversations"]) {
        const read = await server.send("GET", path, undefined, { "x-write-token": token });
        assert.equal(read.status, 200, path);
        assert.equal(read.headers.get("x-read-source"), "primary", path);
        assert.match(JSON.stringify(read.body), /while paused/, path);
      }
    } finally {
      await pair.onStandby("SELECT pg_wal_replay_resume()");
    }
  });

  test("once replayed, the same token is served by the replica, and sees the write there", async () => {
    const wrote = await server.send("POST", `/contacts/${contactId}/messages`, {
      content: "replayed",
      direction: "inbound",
    });
    const token = wrote.headers.get("x-write-token") as string;
    await until("the token served by the replica", async () => {
      const read = await server.send("GET", `/contacts/${contactId}/messages`, undefined, {
        "x-write-token": token,
      });
      return (
        read.headers.get("x-read-source") === "replica-1" && JSON.stringify(read.body).includes("replayed")
      );
    });
  });
});

describe("faults", () => {
  test(`a replica over ${MAX_LAG_MS} ms behind leaves the rotation, and returns when it catches up`, async () => {
    await pair.onStandby("SELECT pg_wal_replay_pause()");
    try {
      await server.send("POST", `/contacts/${contactId}/messages`, { content: "lag", direction: "inbound" });
      await until("lagging", async () => (await readyReplica())?.state === "lagging");
      assert.ok(((await readyReplica())?.lagMs ?? 0) > MAX_LAG_MS);
      assert.equal((await server.get("/conversations")).headers.get("x-read-source"), "primary");
    } finally {
      await pair.onStandby("SELECT pg_wal_replay_resume()");
    }
    await until("up again", async () => (await readyReplica())?.state === "up");
    await until("reads on the replica again", async () => {
      return (await server.get("/conversations")).headers.get("x-read-source") === "replica-1";
    });
  });

  test("the replica stopped and started under a read load: no 5xx, its reads go to the primary, it rejoins", async () => {
    const statuses = new Map<number, number>();
    const sources = new Set<string>();
    let reading = true;
    const reader = async () => {
      while (reading) {
        const answer = await server.get(`/conversations?limit=5`);
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        sources.add(answer.headers.get("x-read-source") ?? "");
      }
    };
    const readers = Array.from({ length: 4 }, reader);
    await pair.stopStandby();
    await until("down", async () => (await readyReplica())?.state === "down");
    sources.clear();
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.deepEqual([...sources], ["primary"], "while it is down, the primary answers");
    await pair.startStandby();
    await until("up after the restart", async () => (await readyReplica())?.state === "up");
    await until("reads on the replica after the restart", async () => sources.has("replica-1"));
    reading = false;
    await Promise.all(readers);
    assert.deepEqual([...statuses.keys()], [200], `statuses: ${JSON.stringify([...statuses])}`);
  });
});
