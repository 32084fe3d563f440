import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { CONFIG_VARIABLES } from "../src/config.ts";

/**
 * The three places that name the environment variables must agree: the config schema (what the process reads),
 * .env.example (what an operator copies) and the README's configuration table (what a newcomer reads).
 */

const read = (file: string) => readFileSync(new URL(`../${file}`, import.meta.url), "utf8");
const VARIABLE = /^[A-Z][A-Z0-9_]+$/;

/** Names in the first column of the table under "## Configuration"; a cell may hold several (`HOST` / `PORT`). */
function readmeTableVariables(readme: string): string[] {
  const section = readme.split(/^## Configuration\s*$/m)[1]?.split(/^## /m)[0];
  assert.ok(section, 'the README has a "## Configuration" section');
  const rows = section.split("\n").filter((line) => /^\|/.test(line) && !/^\|\s*-/.test(line));
  assert.ok(rows.length > 1, "the Configuration section has a table");
  const names = rows.slice(1).flatMap((row) => {
    const firstCell = row.split("|")[1] ?? "";
    return [...firstCell.matchAll(/`([^`]+)`/g)].map((m) => m[1] as string).filter((n) => VARIABLE.test(n));
  });
  return names;
}

/** Names set in .env.example, commented-out ones included (`# DB_POOL_SIZE=4`: a default computed at start). */
function envExampleVariables(example: string): string[] {
  return [...example.matchAll(/^#? ?([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1] as string);
}

function assertSameNames(actual: string[], expected: readonly string[], where: string) {
  const duplicates = actual.filter((name, i) => actual.indexOf(name) !== i);
  assert.deepEqual(duplicates, [], `${where} names ${duplicates.join(", ")} more than once`);
  const missing = expected.filter((name) => !actual.includes(name));
  const unknown = actual.filter((name) => !expected.includes(name));
  assert.ok(
    missing.length === 0 && unknown.length === 0,
    `${where} and the config schema (src/config.ts) disagree: missing ${missing.join(", ") || "none"}; ` +
      `not in the schema ${unknown.join(", ") || "none"}`,
  );
}

describe("configuration documents", () => {
  test("the README's configuration table names exactly the variables of the config schema", () => {
    assertSameNames(readmeTableVariables(read("README.md")), CONFIG_VARIABLES, "README.md's table");
  });

  test(".env.example names exactly the variables of the config schema", () => {
    assertSameNames(envExampleVariables(read(".env.example")), CONFIG_VARIABLES, ".env.example");
  });

  test("the table parser reads several names in one cell and skips the header and rule", () => {
    const readme = [
      "## Configuration",
      "",
      "| variable | default |",
      "| --- | --- |",
      "| `HOST` / `PORT` | `127.0.0.1` / `3000` |",
      "| `LOG_LEVEL` | `info` |",
      "",
      "## API",
      "| `NOT_CONFIG` | x |",
    ].join("\n");
    assert.deepEqual(readmeTableVariables(readme), ["HOST", "PORT", "LOG_LEVEL"]);
  });

  test("a disagreement names the variable", () => {
    assert.throws(() => assertSameNames(["HOST"], ["HOST", "PORT"], "x"), /PORT/);
  });
});
