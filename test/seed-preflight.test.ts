import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { estimateNeeds, SeedPreflightError } from "../src/seed/preflight.ts";
import { seed } from "../src/seed/seed.ts";
import { createTestDatabase, type TestDatabase } from "./support/database.ts";

let db: TestDatabase;
before(async () => {
  db = await createTestDatabase();
});
after(async () => db.drop());

test("needs grow with the data set, disk by the messages' bytes with headroom for index sorts", () => {
  const full = estimateNeeds(100_000, 5_000_000);
  const tenfold = estimateNeeds(1_000_000, 50_000_000);
  assert.ok(full.diskBytes > 4 * 1024 ** 3 && full.diskBytes < 8 * 1024 ** 3, String(full.diskBytes));
  assert.ok(tenfold.diskBytes > 9.5 * full.diskBytes && tenfold.diskBytes < 10.5 * full.diskBytes);
  assert.ok(tenfold.memoryBytes > full.memoryBytes);
});

test("a data set the machine cannot hold is refused before anything is written, naming what it needs", async () => {
  const count = async () =>
    (await db.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM contacts")).rows[0]?.n;
  const before = await count();
  await assert.rejects(
    seed(
      db.pool,
      {
        contacts: 20_000_000,
        messages: 100_000_000_000,
        contentPath: undefined,
        randomSeed: 1,
        reset: true,
        interactive: false,
      },
      () => {},
    ),
    (error: unknown) =>
      error instanceof SeedPreflightError &&
      /about [\d.]+ GB needed/.test(error.message) &&
      /available|free/.test(error.message),
  );
  assert.equal(await count(), before);
});
