import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { openApiDocument } from "../src/http/openapi.ts";
import { createTestDatabase, type TestDatabase } from "./support/database.ts";

/** The command-line tools as a user runs them: exit codes, messages, and what a killed seed leaves behind. */
type Result = { code: number | null; signal: NodeJS.Signals | null; output: string };

function run(
  script: string,
  args: string[],
  env: Record<string, string> = {},
  killWhen?: RegExp,
): Promise<Result> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", script, ...args], {
      env: { ...process.env, LOG_LEVEL: "warn", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    const collect = (chunk: Buffer) => {
      output += chunk;
      if (killWhen?.test(output)) child.kill("SIGKILL");
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    child.on("exit", (code, signal) => resolve({ code, signal, output }));
  });
}

describe("npm run seed", () => {
  let db: TestDatabase;
  before(async () => {
    db = await createTestDatabase();
  });
  after(async () => db.drop());
  const seedCli = (args: string[], killWhen?: RegExp) =>
    run("src/seed/cli.ts", args, { DATABASE_URL: db.url }, killWhen);
  const counts = async () =>
    (
      await db.pool.query(
        "SELECT (SELECT count(*) FROM contacts)::int AS c, (SELECT count(*) FROM messages)::int AS m",
      )
    ).rows[0];

  for (const args of [
    ["--contacts", "-5"],
    ["--contacts", "10", "--messages", "5"],
    ["--seed", "abc"],
    ["--bogus"],
    ["--messages", "ten"],
  ]) {
    test(`usage error, exit 2: ${args.join(" ")}`, async () => {
      const result = await seedCli(args);
      assert.equal(result.code, 2, result.output);
      assert.match(result.output, /Usage: npm run seed/);
    });
  }

  test("--help", async () => {
    const result = await seedCli(["--help"]);
    assert.equal(result.code, 0);
    assert.match(result.output, /--reset/);
  });

  test("a missing content file: exit 1 naming it, database untouched", async () => {
    const result = await seedCli([
      "--contacts",
      "10",
      "--messages",
      "50",
      "--content",
      "/nope/message_content.csv",
    ]);
    assert.equal(result.code, 1);
    assert.match(result.output, /\/nope\/message_content\.csv/);
    assert.deepEqual(await counts(), { c: 0, m: 0 });
  });

  test("killed in the middle of a reset: the previous data stays; the next run redoes it cleanly", async () => {
    const first = await seedCli(["--contacts", "200", "--messages", "2000", "--seed", "1"]);
    assert.equal(first.code, 0, first.output);
    assert.deepEqual(await counts(), { c: 200, m: 2000 });
    const killed = await seedCli(
      ["--contacts", "3000", "--messages", "400000", "--seed", "2", "--reset"],
      /contacts: done/,
    );
    assert.equal(killed.signal, "SIGKILL", killed.output);
    assert.deepEqual(await counts(), { c: 200, m: 2000 }, "the interrupted load rolled back");
    const again = await seedCli(["--contacts", "300", "--messages", "3000", "--seed", "2", "--reset"]);
    assert.equal(again.code, 0, again.output);
    assert.deepEqual(await counts(), { c: 300, m: 3000 });
    const skipped = await seedCli(["--contacts", "300", "--messages", "3000"]);
    assert.match(skipped.output, /nothing to do/);
  });
});

describe("npm run bench", () => {
  for (const args of [["--bogus"], ["--duration", "0"], ["--connections", "lots"]]) {
    test(`usage error, exit 2: ${args.join(" ")}`, async () => {
      const result = await run("bench/cli.ts", args);
      assert.equal(result.code, 2, result.output);
      assert.match(result.output, /Usage: npm run bench/);
    });
  }
});

// Neither case reaches a database: the options are checked before one is opened.
for (const [command, script] of [
  ["migrate", "src/db/migrate-cli.ts"],
  ["verify", "src/conversations/verify-cli.ts"],
  ["explain", "bench/explain.ts"],
  ["openapi", "src/http/openapi-cli.ts"],
] as const) {
  describe(`npm run ${command}`, () => {
    test("--help: exit 0, nothing run", async () => {
      const result = await run(script, ["--help"], { DATABASE_URL: "postgres://nowhere.invalid/x" });
      assert.equal(result.code, 0, result.output);
      assert.match(result.output, new RegExp(`Usage: npm run ${command}`));
    });

    test("an unknown option: exit 2 with the usage", async () => {
      const result = await run(script, ["--bogus"]);
      assert.equal(result.code, 2, result.output);
      assert.match(result.output, new RegExp(`Usage: npm run ${command}`));
    });
  });
}

describe("npm run openapi", () => {
  test("prints the document GET /openapi.json serves, with no database", async () => {
    const result = await run("src/http/openapi-cli.ts", [], { DATABASE_URL: "postgres://nowhere.invalid/x" });
    assert.equal(result.code, 0, result.output);
    assert.deepEqual(JSON.parse(result.output), openApiDocument());
  });
});

describe("npm start", () => {
  test("--help: exit 0, naming every variable .env.example sets, and no other", async () => {
    const result = await run("src/server.ts", ["--help"]);
    assert.equal(result.code, 0, result.output);
    assert.match(result.output, /Usage: npm start/);
    const example = readFileSync(new URL("../.env.example", import.meta.url), "utf8");
    const documented = [...example.matchAll(/^#? ?([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]);
    const variables = result.output.split("README):")[1]?.split("Options:")[0] ?? "";
    const listed = variables.match(/[A-Z][A-Z0-9_]+/g);
    assert.deepEqual(new Set(listed), new Set(documented));
  });

  test("an unknown option: exit 2 with the usage, before touching a database", async () => {
    const result = await run("src/server.ts", ["--port", "3000"]);
    assert.equal(result.code, 2, result.output);
    assert.match(result.output, /Usage: npm start/);
  });
});
