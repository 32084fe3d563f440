import assert from "node:assert/strict";
import { test } from "node:test";
import pg from "pg";
import { testServerForFile } from "../support/app.ts";
import { lockWaiters } from "../support/database.ts";
import { eventually } from "../support/process.ts";

const file = testServerForFile();

test("a search whose client disconnects is cancelled in PostgreSQL, and the connection is reused", async () => {
  const locker = new pg.Client({ connectionString: file.db.url });
  const admin = new pg.Client({ connectionString: file.db.url });
  await Promise.all([locker.connect(), admin.connect()]);
  try {
    // The table lock makes every search wait inside PostgreSQL until it is released (or cancelled).
    await locker.query("BEGIN; LOCK TABLE messages IN ACCESS EXCLUSIVE MODE");
    const abandoned = Array.from({ length: 3 }, () => new AbortController());
    const requests = abandoned.map((c, i) =>
      fetch(`${file.server.url}/conversations?searchValue=hello${i}`, { signal: c.signal }).catch(
        (error: Error) => error.name,
      ),
    );
    assert.ok(await eventually(async () => (await lockWaiters(admin)) === 3, 5_000), "searches never waited");

    for (const c of abandoned) c.abort();
    assert.deepEqual(await Promise.all(requests), ["AbortError", "AbortError", "AbortError"]);
    // Still inside the lock: only a cancel can have ended the waits (the statement timeout is 30 s here).
    assert.ok(
      await eventually(async () => (await lockWaiters(admin)) === 0, 3_000),
      "the abandoned searches kept waiting in PostgreSQL",
    );

    await locker.query("ROLLBACK");
    const after = await file.server.get("/conversations?searchValue=hello");
    assert.equal(after.status, 200);
    assert.equal(file.db.pool.waitingCount, 0);
  } finally {
    await locker.query("ROLLBACK").catch(() => {});
    await Promise.all([locker.end(), admin.end()]);
  }
});
