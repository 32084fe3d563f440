import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { parseSearchTerm } from "../src/conversations/search-term.ts";
import { bloomHolds, trigramBloomBits } from "../src/conversations/summary-codes.ts";
import { generateCorpus, readCorpus } from "../src/seed/corpus.ts";
import { createContactSummaries } from "../src/seed/summaries.ts";
import { createMessageTexts } from "../src/seed/texts.ts";
import { createTestDatabase, type TestDatabase } from "./support/database.ts";

const SHARED_CORPUS = "../shared/data/message_content.csv";

/** Characters whose lower-casing or splitting could differ between JavaScript and the database. */
const TRICKY = [
  "İstanbul İİ",
  "KELVIN \u212A and \u212B",
  "Straße ẞ ß",
  "emoji 😀👍🏽 in a row",
  "日本語のテキスト",
  "tab\there, new\nline",
  "ΑΒΓ Ωμέγα ǅ ǈ",
  "a",
  "ab",
  "12:30 $45.00 #100234",
  "\u0301combining é",
];

describe("seed summaries equal the database's text_summary", () => {
  let db: TestDatabase;
  before(async () => {
    db = await createTestDatabase();
  });
  after(async () => db.drop());

  const compare = async (texts: string[]) => {
    const summaries = createContactSummaries(texts.length);
    for (const [i, t] of texts.entries()) summaries.add(i + 1, t);
    const { rows } = await db.pool.query<{ i: number }>(
      `SELECT t.i
         FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS t(content, signature, bloom, i)
         CROSS JOIN LATERAL text_summary(t.content) s
        WHERE s.signature::text <> t.signature OR s.bloom <> t.bloom::bit(8192)`,
      [
        texts,
        texts.map((_, i) => summaries.signatureText(i + 1)),
        texts.map((_, i) => summaries.bloomText(i + 1)),
      ],
    );
    assert.deepEqual(
      rows.map((r) => texts[Number(r.i) - 1]),
      [],
    );
  };

  test("on characters that lower-case into ASCII, surrogate pairs and other scripts", () => compare(TRICKY));

  test("on every corpus line and on composed message texts", async () => {
    const corpus = existsSync(SHARED_CORPUS) ? await readCorpus(SHARED_CORPUS) : generateCorpus(5_000, 3);
    await compare(corpus.lines);
    const texts = createMessageTexts(corpus.lines, 5);
    await compare(Array.from({ length: 20_000 }, (_, i) => texts.text(i, i % corpus.lines.length)));
  });

  test("a contact's summary is the OR of its messages'", async () => {
    const summaries = createContactSummaries(1);
    for (const t of TRICKY) summaries.add(1, t);
    const { rows } = await db.pool.query(
      `SELECT bit_or(s.signature)::text = $2 AS signature, bit_or(s.bloom) = $3::bit(8192) AS bloom
         FROM unnest($1::text[]) t CROSS JOIN LATERAL text_summary(t) s`,
      [TRICKY, summaries.signatureText(1), summaries.bloomText(1)],
    );
    assert.deepEqual(rows[0], { signature: true, bloom: true });
  });

  test("a term's bloom bits are trigram_probe's, and a bloom as sent holds exactly the terms it admits", async () => {
    const terms = [...TRICKY, "houston", "zz", "ZEBRA!"];
    const { rows } = await db.pool.query<{ probe: string | null; sent: Buffer }>(
      `SELECT trigram_probe(t)::text AS probe, varbit_send(text_trigram_bloom($2)) AS sent
         FROM unnest($1::text[]) WITH ORDINALITY AS u(t, i) ORDER BY i`,
      [terms, "the houston zebra"],
    );
    for (const [i, row] of rows.entries()) {
      const expected = [...(row.probe ?? "")].flatMap((bit, at) => (bit === "1" ? [at] : []));
      assert.deepEqual(
        trigramBloomBits(terms[i] as string).sort((a, b) => a - b),
        expected,
        terms[i],
      );
    }
    const sent = (rows[0] as { sent: Buffer }).sent;
    assert.equal(bloomHolds(sent, trigramBloomBits("Houston")), true);
    assert.equal(bloomHolds(sent, trigramBloomBits("zebra houston")), false);
  });

  test("a term has a posted character exactly when the database posts one of its characters", async () => {
    const characters = [...Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)), ..."éßİıK€😀"];
    const { rows } = await db.pool.query<{ posted: boolean }>(
      `SELECT text_has_posted_characters(lower(t)) AND cardinality(text_posted_characters(lower(t))) > 0 AS posted
         FROM unnest($1::text[]) WITH ORDINALITY AS u(t, i) ORDER BY i`,
      [characters],
    );
    for (const [i, ch] of characters.entries()) {
      assert.equal(parseSearchTerm(`a${ch}`)?.hasPostedCharacter, rows[i]?.posted, JSON.stringify(ch));
    }
  });
});

describe("composed message texts", () => {
  const lines = Array.from({ length: 500 }, (_, i) => `line ${i} of the corpus`);
  const texts = createMessageTexts(lines, 11);

  test("start from the message's line and are mostly distinct", () => {
    const made = Array.from({ length: 10_000 }, (_, i) => texts.text(i, i % lines.length));
    for (const [i, t] of made.entries()) assert.ok(t.includes(lines[i % lines.length] as string), t);
    const distinct = new Set(made).size / made.length;
    assert.ok(distinct > 0.75, `distinct share ${distinct}`);
  });

  test("are the same for the same seed and message", () => {
    assert.equal(createMessageTexts(lines, 11).text(42, 7), texts.text(42, 7));
  });
});
