import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { MigrationError } from "../src/db/errors.ts";
import { latestVersion, loadMigrations, migrate } from "../src/db/migrate.ts";
import { createTestDatabase, type TestDatabase, testLogger } from "./support/database.ts";

describe("migrations", () => {
  let db: TestDatabase;
  before(async () => {
    db = await createTestDatabase();
  });
  after(async () => db.drop());

  test("re-running on a migrated database is a no-op", async () => {
    assert.deepEqual(await migrate(db.pool, testLogger), []);
    const { rows } = await db.pool.query("SELECT max(version) AS v FROM schema_migrations");
    assert.equal(rows[0].v, latestVersion(await loadMigrations()));
  });

  test("a failing migration rolls back entirely and is not recorded", async () => {
    const broken = [
      ...(await loadMigrations()),
      { version: 900, name: "broken", sql: "CREATE TABLE half_done (id int); SELECT no_such_function();" },
    ];
    await assert.rejects(migrate(db.pool, testLogger, broken), (error: unknown) => {
      assert.ok(error instanceof MigrationError);
      assert.match(error.message, /900_broken failed and was rolled back/);
      return true;
    });
    const { rows } = await db.pool.query(
      "SELECT to_regclass('half_done') AS t, (SELECT count(*)::int FROM schema_migrations WHERE version = 900) AS n",
    );
    assert.deepEqual(rows[0], { t: null, n: 0 });
  });
});
