import assert from "node:assert/strict";
import { test } from "node:test";
import { chooseIndexKeys, termTrigrams } from "../src/conversations/index-keys.ts";
import type { SearchSample } from "../src/conversations/search-sample.ts";
import { parseSearchTerm } from "../src/conversations/search-term.ts";
import { countTrigrams } from "../src/conversations/trigram-counts.ts";

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
