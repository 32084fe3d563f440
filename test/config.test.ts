import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ConfigError, loadConfig } from "../src/config.ts";
import { serverSettings } from "../src/db/settings.ts";

describe("configuration", () => {
  test("defaults when nothing is set", () => {
    const config = loadConfig({});
    assert.equal(config.http.port, 3000);
    assert.equal(config.http.host, "127.0.0.1");
    assert.equal(config.db.url, undefined);
    assert.equal(config.db.statementTimeoutMs, 5000);
    assert.equal(config.seed.contacts, 100_000);
    assert.ok(Object.isFrozen(config) && Object.isFrozen(config.db));
  });

  test("DATABASE_DIRECT_URL beside DATABASE_URL: the pooler's bypass", () => {
    const db = loadConfig({
      DATABASE_URL: "postgresql://pgbouncer:6432/inbox",
      DATABASE_DIRECT_URL: "postgresql://db:5432/inbox",
    }).db;
    assert.deepEqual(
      [db.url, db.directUrl],
      ["postgresql://pgbouncer:6432/inbox", "postgresql://db:5432/inbox"],
    );
  });

  test("DATABASE_READ_URLS: a comma-separated list of PostgreSQL URLs, only beside DATABASE_URL", () => {
    const db = loadConfig({
      DATABASE_URL: "postgresql://db:5432/inbox",
      DATABASE_READ_URLS: " postgresql://r1:5432/inbox, postgresql://r2:5432/inbox ,",
      REPLICA_MAX_LAG_MS: "750",
    }).db;
    assert.deepEqual(db.readUrls, ["postgresql://r1:5432/inbox", "postgresql://r2:5432/inbox"]);
    assert.equal(db.replicaMaxLagMs, 750);
    assert.equal(loadConfig({}).db.replicaMaxLagMs, 2000);
    assert.throws(
      () => loadConfig({ DATABASE_URL: "postgresql://db/inbox", DATABASE_READ_URLS: "http://r1/inbox" }),
      /DATABASE_READ_URLS/,
    );
    assert.throws(() => loadConfig({ DATABASE_READ_URLS: "postgresql://r1/inbox" }), /without DATABASE_URL/);
  });

  test("PG_REPLICATION: the embedded server writes WAL a replica can stream", () => {
    assert.equal(loadConfig({}).db.embeddedReplication, false);
    assert.equal(loadConfig({ PG_REPLICATION: "true" }).db.embeddedReplication, true);
    const machine = { memoryBytes: 2 ** 30, cores: 2 };
    assert.deepEqual(
      [serverSettings(machine, "service").wal_level, serverSettings(machine, "service").max_wal_senders],
      ["minimal", "0"],
    );
    const replicating = serverSettings(machine, "service", { replication: true });
    assert.deepEqual([replicating.wal_level, replicating.max_wal_senders], ["replica", "10"]);
  });

  test("an empty value means the default", () => {
    assert.equal(loadConfig({ PORT: "", DATABASE_URL: "" }).http.port, 3000);
  });

  for (const [name, value] of [
    ["PORT", "eighty"],
    ["PORT", "70000"],
    ["DATABASE_URL", "mysql://localhost/db"],
    ["DATABASE_DIRECT_URL", "postgresql://db:5432/inbox"], // without DATABASE_URL, it has nothing to bypass
    ["DB_POOL_SIZE", "0"],
    ["LOG_LEVEL", "loud"],
    ["SEED_ON_START", "maybe"],
    ["CURSOR_SECRET", "short"],
  ]) {
    test(`a bad ${name} stops with a message naming it`, () => {
      assert.throws(
        () => loadConfig({ [name as string]: value }),
        (error: unknown) => {
          assert.ok(error instanceof ConfigError);
          assert.match(error.message, new RegExp(`\\b${name}\\b`));
          return true;
        },
      );
    });
  }
});
