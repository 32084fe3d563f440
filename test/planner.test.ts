import assert from "node:assert/strict";
import { test } from "node:test";
import { chooseStrategy, estimateMatches } from "../src/conversations/planner.ts";
import type { SampledConversation } from "../src/conversations/search-sample.ts";
import { parseSearchTerm } from "../src/conversations/search-term.ts";

/** 3,000 conversations of 4 messages; "the" occurs 3 times in every one, "zebra" once in every tenth. */
function sample() {
  const conversations: SampledConversation[] = Array.from({ length: 3_000 }, (_, i) => ({
    name: i === 7 ? "ann qjx" : "ann smith",
    digits: "15551234567",
    text: ["the cat", "the dog", i % 10 === 0 ? "a zebra" : "a bird", "the end"].join("\n"),
    messages: 4,
  }));
  return { conversations, totalContacts: 100_000, totalMessages: 1_000_000 };
}

const term = (text: string) => {
  const parsed = parseSearchTerm(text);
  assert.ok(parsed);
  return parsed;
};

test("estimates are extrapolated once enough occurrences were counted", () => {
  // 9,000 occurrences in 12,000 messages: counting stops early, the ratio stays 3 in 4.
  assert.deepEqual(estimateMatches(term("the"), sample()), { conversationShare: 1, messages: 750_000 });
  assert.deepEqual(estimateMatches(term("ZEBRA"), sample()), { conversationShare: 0.1, messages: 25_000 });
});

test("names and digits count as matching conversations, not as messages", () => {
  assert.deepEqual(estimateMatches(term("qj"), sample()), { conversationShare: 1 / 3_000, messages: 0 });
  assert.equal(estimateMatches(term("555 123"), sample()).conversationShare, 1);
});

test("the plan follows the estimate", () => {
  assert.equal(chooseStrategy(term("the"), 50, sample()).kind, "walk");
  assert.equal(chooseStrategy(term("nothing here"), 50, sample()).kind, "index");
  assert.equal(chooseStrategy(term("q!"), 50, sample()).kind, "filter");
});

test("one or two letters or digits: walk when matches are common, else read the posting list", () => {
  // "ca" is in every conversation; "ze" in a tenth (10,000 contacts); "qj" in one name; "zz" nowhere.
  assert.equal(chooseStrategy(term("ca"), 500, sample()).kind, "walk");
  assert.equal(chooseStrategy(term("ze"), 50, sample()).kind, "walk");
  assert.equal(chooseStrategy(term("qj"), 50, sample()).kind, "postings");
  assert.equal(chooseStrategy(term("zz"), 50, sample()).kind, "postings");
  // Ten times the contacts, the same share: the posting list grows, the walk does not.
  const larger = { ...sample(), totalContacts: 1_000_000 };
  assert.equal(chooseStrategy(term("qj"), 50, larger).kind, "postings");
  assert.equal(chooseStrategy(term("ze"), 500, larger).kind, "walk");
});

test("a longer term walks further: its trigram bloom spares the probes of conversations that cannot match", () => {
  // Same share of matching conversations (1 in 10) and matching messages; 1,000 matches wanted.
  assert.equal(chooseStrategy(term("zebra"), 1_000, sample()).kind, "walk");
  assert.equal(chooseStrategy(term("zeb"), 1_000, sample()).kind, "index");
});

test("an estimate is made once per sample and term; a refreshed sample is estimated afresh", () => {
  const first = sample();
  assert.equal(chooseStrategy(term("zebra"), 1_000, first).kind, "walk");
  // The same sample object, its texts changed behind the planner's back: the remembered estimate still answers.
  for (const c of first.conversations) c.text = "nothing";
  assert.equal(chooseStrategy(term("Zebra"), 1_000, first).kind, "walk");
  // A new sample object (what a refresh makes) with those texts: estimated again, no match, the index plan.
  assert.equal(chooseStrategy(term("zebra"), 1_000, { ...first }).kind, "index");
});
