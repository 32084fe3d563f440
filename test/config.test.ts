import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ConfigError, loadConfig } from "../src/config.ts";

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
