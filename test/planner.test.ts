import assert from "node:assert/strict";
import { test } from "node:test";
import { chooseStrategy, estimateMatches } from "../src/conversations/planner.ts";
import type { SampledConversation, SearchSample } from "../src/conversations/search-sample.ts";
import { parseSearchTerm } from "../src/conversations/search-term.ts";
import { BLOOM_BITS, trigramBloomBits } from "../src/conversations/summary-codes.ts";
import { countTrigrams } from "../src/conversations/trigram-counts.ts";

/** A contact's trigram bloom as the sample reads it (varbit_send of bit(8192)), holding its texts' trigrams. */
function bloomOf(texts: string[]): Uint8Array {
  const bloom = new Uint8Array(4 + BLOOM_BITS / 8);
  for (const bit of texts.flatMap(trigramBloomBits)) {
    bloom[4 + (bit >>> 3)] = (bloom[4 + (bit >>> 3)] as number) | (0x80 >>> (bit & 7));
  }
  return bloom;
}

function conversation(name: string, texts: string[]): SampledConversation {
  return {
    name,
    digits: "15551234567",
    text: texts.join("\n"),
    messages: texts.length,
    bloom: bloomOf(texts),
  };
}

/** A sample of these conversations, its trigrams counted as the sample keeper counts them. */
async function sampleOf(
  conversations: SampledConversation[],
  totalContacts = 100_000,
): Promise<SearchSample> {
  return {
    conversations,
    trigrams: await countTrigrams(conversations),
    totalContacts,
    totalMessages: 1_000_000,
  };
}

/**
 * 3,000 conversations of 3 messages and `other`; "the" occurs 3 times in every one, "zebra" once in every
 * tenth instead of `other`.
 */
function sample(other = ["a bird"], totalContacts = 100_000) {
  const conversations = Array.from({ length: 3_000 }, (_, i) =>
    conversation(i === 7 ? "ann qjx" : "ann smith", [
      "the cat",
      "the dog",
      ...(i % 10 === 0 ? ["a zebra"] : other),
      "the end",
    ]),
  );
  return sampleOf(conversations, totalContacts);
}

const term = (text: string) => {
  const parsed = parseSearchTerm(text);
  assert.ok(parsed);
  return parsed;
};

test("estimates are extrapolated once enough occurrences were counted", async () => {
  // 9,000 occurrences in 12,000 messages: counting stops early, the ratio stays 3 in 4.
  assert.deepEqual(estimateMatches(term("the"), await sample()), {
    conversationShare: 1,
    messages: 750_000,
    admittedShare: 1,
  });
  assert.deepEqual(estimateMatches(term("ZEBRA"), await sample()), {
    conversationShare: 0.1,
    messages: 25_000,
    admittedShare: 0.1,
  });
});

test("names and digits count as matching conversations, not as messages", async () => {
  assert.deepEqual(estimateMatches(term("qj"), await sample()), {
    conversationShare: 1 / 3_000,
    messages: 0,
    admittedShare: 1,
  });
  assert.equal(estimateMatches(term("555 123"), await sample()).conversationShare, 1);
});

test("the plan follows the estimate", async () => {
  assert.equal(chooseStrategy(term("the"), 50, await sample()).kind, "walk");
  assert.equal(chooseStrategy(term("nothing here"), 50, await sample()).kind, "index");
  assert.equal(chooseStrategy(term("q!"), 50, await sample()).kind, "filter");
  // Without a trigram, a character above ASCII has its own posting list; İ lower-cases into ASCII "i" in the
  // database, so it is the filter's.
  assert.equal(chooseStrategy(term("ø"), 50, await sample()).kind, "characters");
  assert.equal(chooseStrategy(term("…!"), 50, await sample()).kind, "characters");
  assert.equal(chooseStrategy(term("İ"), 50, await sample()).kind, "filter");
  // A rare ASCII mark is posted too (migration 018); "!" is not.
  assert.equal(chooseStrategy(term("q}"), 50, await sample()).kind, "characters");
});

test("a character above ASCII: walk when most conversations hold it, else read its posting list", async () => {
  // "ø" in every conversation: the walk stops after the page. In one conversation in 300 of 1M contacts: the
  // walk would probe every conversation it reads, the posting list holds ~3,300.
  const everywhere = await sample(["ø bird"], 1_000_000);
  const { conversations } = await sample();
  const rare = await sampleOf(
    conversations.map((c, i) => (i % 300 === 0 ? { ...c, text: `${c.text}\nø` } : c)),
    1_000_000,
  );
  assert.equal(chooseStrategy(term("ø"), 500, rare).kind, "characters");
  assert.equal(chooseStrategy(term("ø"), 50, everywhere).kind, "walk");
});

test("one or two letters or digits: walk when matches are common, else read the posting list", async () => {
  // "ca" is in every conversation; "ze" in a tenth (10,000 contacts); "qj" in one name; "zz" nowhere.
  assert.equal(chooseStrategy(term("ca"), 500, await sample()).kind, "walk");
  assert.equal(chooseStrategy(term("ze"), 50, await sample()).kind, "walk");
  assert.equal(chooseStrategy(term("qj"), 50, await sample()).kind, "postings");
  assert.equal(chooseStrategy(term("zz"), 50, await sample()).kind, "postings");
  // Ten times the contacts, the same share: the posting list grows, the walk does not.
  const larger = await sample(undefined, 1_000_000);
  assert.equal(chooseStrategy(term("qj"), 50, larger).kind, "postings");
  assert.equal(chooseStrategy(term("ze"), 500, larger).kind, "walk");
});

test("the walk is chosen when the sampled blooms spare it the probes of conversations that cannot match", async () => {
  // A tenth of the conversations say "zebra"; 1,000 matches wanted. Where the others say "a bird", their blooms
  // rule "zebra" out and the walk probes only matches. Where they say "zebu", "celebrated" and "bravo", every
  // bloom holds zeb, ebr and bra: the walk would read all their threads, and the index answers, since no one
  // message holds two of those trigrams.
  const decoys = await sample(["zebu", "celebrated", "bravo"]);
  assert.equal(estimateMatches(term("zebra"), decoys).admittedShare, 1);
  assert.equal(chooseStrategy(term("zebra"), 1_000, await sample()).kind, "walk");
  assert.equal(chooseStrategy(term("zebra"), 1_000, decoys).kind, "index");
});

test("an estimate is made once per sample and term; a refreshed sample is estimated afresh", async () => {
  const first = await sample();
  assert.equal(chooseStrategy(term("zebra"), 1_000, first).kind, "walk");
  // The same sample object, its texts changed behind the planner's back: the remembered estimate still answers.
  for (const c of first.conversations) c.text = "nothing";
  assert.equal(chooseStrategy(term("Zebra"), 1_000, first).kind, "walk");
  // A new sample object (what a refresh makes) with those texts: estimated again, no match, the index plan.
  assert.equal(chooseStrategy(term("zebra"), 1_000, { ...first }).kind, "index");
});
