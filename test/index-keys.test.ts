import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { chooseIndexKeys, termPairs, termTrigrams } from "../src/conversations/index-keys.ts";
import type { SearchSample } from "../src/conversations/search-sample.ts";
import { parseSearchTerm } from "../src/conversations/search-term.ts";
import { countTrigrams } from "../src/conversations/trigram-counts.ts";
import { createRandom } from "../src/seed/random.ts";
import { createTestDatabase, type TestDatabase } from "./support/database.ts";

let db: TestDatabase;
before(async () => {
  db = await createTestDatabase();
});
after(() => db.drop());

/** One conversation per message; `lines` repeated to 10,000 messages, standing for 50M. */
async function sampleOf(lines: string[]): Promise<SearchSample> {
  const conversations = Array.from({ length: 10_000 }, (_, i) => ({
    name: "ann",
    digits: "1555",
    text: lines[i % lines.length] as string,
    messages: 1,
    bloom: new Uint8Array(0),
  }));
  return {
    conversations,
    trigrams: await countTrigrams(conversations),
    totalContacts: 1e6,
    totalMessages: 5e7,
  };
}

const term = (text: string) => {
  const parsed = parseSearchTerm(text);
  assert.ok(parsed);
  return parsed;
};

/** 100 lines: "the" in all, "thats" in 30, "case" in 30, both only in "thats the case". */
const lines = [
  "thats the case",
  ...Array.from({ length: 29 }, () => "thats the end"),
  ...Array.from({ length: 29 }, () => "the case of rain"),
  ...Array.from({ length: 41 }, () => "the end"),
];

test("a term's trigrams are its runs of three ASCII letters or digits", () => {
  assert.deepEqual(termTrigrams("thats the case"), ["tha", "hat", "ats", "the", "cas", "ase"]);
  assert.deepEqual(termTrigrams("a1b2 ok"), ["a1b", "1b2"]);
  assert.deepEqual(termTrigrams("привет мир"), []);
});

test("without a sample or an ASCII trigram, the whole pattern is the key", async () => {
  const empty = { ...(await sampleOf(lines)), conversations: [] };
  assert.deepEqual(chooseIndexKeys(term("Thats the case"), empty).patterns, ["%Thats the case%"]);
  assert.deepEqual(chooseIndexKeys(term("привет"), await sampleOf(lines)).patterns, ["%привет%"]);
});

test("a trigram nobody holds is the only key", async () => {
  assert.deepEqual(chooseIndexKeys(term("the qzx case"), await sampleOf(lines)).patterns, ["%qzx%"]);
});

test("keys from two words whose lists are short, never the common trigram", async () => {
  const { patterns, costMs } = chooseIndexKeys(term("thats the case"), await sampleOf(lines));
  assert.equal(patterns.length, 2, patterns.join());
  assert.ok(!patterns.includes("%the%"), patterns.join());
  assert.ok(
    patterns.some((p) => ["%cas%", "%ase%"].includes(p)),
    patterns.join(),
  );
  assert.ok(
    patterns.some((p) => ["%tha%", "%hat%", "%ats%"].includes(p)),
    patterns.join(),
  );
  // Two lists of 15M entries and the 0.5M rows holding both words; a third list would cut no row.
  assert.ok(costMs > 500 && costMs < 4_000, String(costMs));
});

test("a term's word pairs join three characters each side of a single space, printable ASCII only", () => {
  assert.deepEqual(termPairs("Like THEY have"), ["ike the", "hey hav"]);
  assert.deepEqual(termPairs("i could have"), ["uld hav"]);
  assert.deepEqual(termPairs("a  cat, the dogs"), ["at, the", "the dog"]);
  assert.deepEqual(termPairs("café noir"), []);
  assert.deepEqual(termPairs("the\tend isn't"), ["end isn"], "only a space separates words");
  assert.deepEqual(termPairs("word"), []);
});

test("a phrase of common words is keyed by its rare word pair, not its common trigrams", async () => {
  // "like" and "have" are everywhere, but only one line in a hundred holds "like they have".
  const phrases = [
    "i like they have it",
    ...Array.from({ length: 99 }, (_, i) => (i % 2 ? "they like to have fun" : "have they got what i like")),
  ];
  const keys = chooseIndexKeys(term("like they have"), await sampleOf(phrases));
  assert.deepEqual(keys.patterns, [], keys.patterns.join());
  assert.ok(
    keys.pairs.length > 0 && keys.pairs.every((p) => ["ike the", "hey hav"].includes(p)),
    keys.pairs.join(),
  );
});

test("the word pairs of a term are among those of every text that holds it, as the database keys them", async () => {
  // Seeded random texts over a small alphabet with spaces, punctuation, a tab and letters above ASCII (so words
  // of every length meet); terms are random slices of them (so they occur) and random words (so some do not).
  const random = createRandom(21);
  const letters = [..."aaaBBB111,,é\tİ"];
  const word = () =>
    Array.from({ length: 2 + random.int(6) }, () => letters[random.int(letters.length)]).join("");
  const words = (count: number) =>
    Array.from({ length: count }, word).reduce((text, w) => text + (random.int(5) ? " " : "  ") + w);
  const texts = Array.from({ length: 4000 }, () => words(2 + random.int(8)));
  const terms = texts.map((text, i) => {
    if (i % 4 === 0) return words(2 + random.int(2));
    const start = random.int(text.length);
    return text.slice(start, start + 7 + random.int(12));
  });
  const { rows } = await db.pool.query<{ term: string; text: string; holds: boolean; keyed: boolean }>(
    `SELECT term, text, strpos(lower(text), lower(term)) > 0 AS holds,
            word_pair_keys(lower(text)) @> word_pair_hashes(pairs) AS keyed
       FROM unnest($1::text[], $2::text[], $3::text[]) AS s(term, text, pairs_json),
            LATERAL (SELECT array(SELECT json_array_elements_text(pairs_json::json)) AS pairs) p`,
    [terms, texts, terms.map((t) => JSON.stringify(termPairs(t)))],
  );
  assert.equal(rows.length, 4000);
  for (const r of rows) {
    if (r.holds)
      assert.ok(r.keyed, `${JSON.stringify(r.term)} in ${JSON.stringify(r.text)} but its pairs are not`);
  }
  const withPairs = rows.filter((r) => termPairs(r.term).length > 0);
  assert.ok(withPairs.filter((r) => r.holds).length > 100, "many terms with pairs occur");
  assert.ok(
    withPairs.some((r) => !r.keyed),
    "the pairs reject some texts",
  );
});
