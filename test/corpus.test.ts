import assert from "node:assert/strict";
import { mkdtemp, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, test } from "node:test";
import { escapeCopyText, generateCorpus, readCorpus } from "../src/seed/corpus.ts";

async function fileWith(content: string | Buffer): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "corpus-"));
  const file = path.join(dir, "message_content.csv");
  await writeFile(file, content);
  return file;
}

describe("reading message_content.csv", () => {
  test("the brief's layout: leading spaces, quoted commas, doubled and bare quotes", async () => {
    const file = await fileWith(
      [
        " Did you know that?",
        '" So, it would be in the ""visiting"" room?"',
        ' He called it "the highest court in the land."',
        "",
        "   ",
        " Last line",
      ].join("\n"),
    );
    const { lines } = await readCorpus(file);
    assert.deepEqual(lines, [
      "Did you know that?",
      'So, it would be in the "visiting" room?',
      'He called it "the highest court in the land."',
      "Last line",
    ]);
  });

  test("CRLF line ends, a BOM and a header line", async () => {
    const file = await fileWith(Buffer.from('\uFEFFcontent\r\n first\r\n" a, b"\r\n', "utf8"));
    assert.deepEqual((await readCorpus(file)).lines, ["first", "a, b"]);
  });

  test("non-ASCII text and very long lines (cut to the 4,096 characters a message may hold)", async () => {
    const long = "x".repeat(10_000);
    const file = await fileWith(` Café ☕ 👍🏽 naïve\n ${long}\n`);
    const { lines } = await readCorpus(file);
    assert.equal(lines[0], "Café ☕ 👍🏽 naïve");
    assert.equal(lines[1]?.length, 4096);
  });

  test("an unquoted comma stays part of the line", async () => {
    const file = await fileWith(" well, yes\n");
    assert.deepEqual((await readCorpus(file)).lines, ["well, yes"]);
  });

  test("a missing file names the path; an all-blank file is refused", async () => {
    await assert.rejects(readCorpus("/no/such/message_content.csv"), /\/no\/such\/message_content\.csv/);
    await assert.rejects(readCorpus(await fileWith("\n  \n\n")), /no non-blank line/);
  });

  test("generated lines when there is no file are plausible and deterministic", () => {
    const a = generateCorpus(200, 1);
    assert.deepEqual(a.lines, generateCorpus(200, 1).lines);
    assert.ok(a.lines.every((l) => l.length > 0 && l.length <= 4096));
    assert.equal(a.source, "generated");
  });

  test("COPY escaping of backslash, tab and newlines", () => {
    assert.equal(escapeCopyText("a\\b\tc\nd\re"), "a\\\\b\\tc\\nd\\re");
  });
});
