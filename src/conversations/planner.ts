import { chooseIndexKeys, type IndexKeys } from "./index-keys.ts";
import type { SearchSample } from "./search-sample.ts";
import type { SearchTerm } from "./search-term.ts";
import { bloomHolds, trigramBloomBits } from "./summary-codes.ts";

/**
 * Which plan answers a search fastest. Walking conversations in order costs per conversation examined and
 * per thread probed, so it suits terms many conversations match; the trigram index costs per entry of each
 * posting list it reads and per row those leave (index-keys.ts), so it suits rare terms. Both costs are
 * estimated from the in-memory sample, with per-unit costs measured on the full data set (docs/search.md). The
 * walk gets a budget: if the estimate was wrong, the walk stops early and another plan answers instead, so a
 * wrong guess costs a bounded amount. A term of one or two letters or digits has no trigram but a posting list
 * (migration 016): the walk competes with reading the contacts posted under its signature bit; a term with a
 * posted character (017, 018), with reading the contacts posted under it.
 */
export type Strategy =
  | { kind: "walk"; budget: number }
  /** `keys`: trigram patterns and word pairs, when not the planner's own (tests force them). */
  | { kind: "index"; keys?: Pick<IndexKeys, "patterns" | "pairs"> }
  | { kind: "postings" }
  | { kind: "characters" }
  | { kind: "filter" };

/** Reading a conversation in order and testing its signature and trigram bloom. */
const WALK_MS_PER_CONVERSATION = 0.003;
/** Reading one contact's messages newest first from the timeline index, up to its first match or its end. */
const WALK_MS_PER_PROBE = 0.07;
/** Reading one posted contact (GIN entry, primary-key probe of contacts, its share of the sort). */
const POSTINGS_MS_PER_CONTACT = 0.004;
const POSTINGS_MS_BASE = 1;
const INDEX_MS_BASE = 1;
/** Beyond its heap visit (index-keys.ts): a matching message's share of the DISTINCT ON, join and sort. */
const INDEX_MS_PER_MATCH = 0.002;
/** The walk may examine this many times the conversations the estimate says it needs. */
const WALK_BUDGET_FACTOR = 4;
const WALK_BUDGET_MIN = 500;
export const UNBOUNDED = 2 ** 31 - 1;

export function chooseStrategy(term: SearchTerm, needed: number, sample: SearchSample): Strategy {
  const estimate = rememberedEstimate(term, sample);
  if (term.inSignature) return shortTermStrategy(needed, estimate.conversationShare, sample.totalContacts);
  // Without a trigram the index cannot narrow anything: walk while matches look common enough to stop early,
  // else probe only the contacts posted under one of the term's characters above ASCII or rare ASCII marks or,
  // for a term of common ASCII punctuation, those whose content signature allows a match.
  if (!term.hasTrigram) {
    if (term.hasPostedCharacter)
      return postedCharacterStrategy(needed, estimate.conversationShare, sample.totalContacts);
    if (estimate.conversationShare === 0) return { kind: "filter" };
    return { kind: "walk", budget: walkBudget(needed / estimate.conversationShare) };
  }
  if (estimate.conversationShare === 0) return { kind: "index" };
  const conversationsToWalk = needed / estimate.conversationShare;
  const walkMs = estimateWalkMs(needed, conversationsToWalk, estimate.admittedShare);
  const indexMs = INDEX_MS_BASE + estimate.indexKeys.costMs + estimate.messages * INDEX_MS_PER_MATCH;
  if (walkMs > indexMs) return { kind: "index" };
  return { kind: "walk", budget: walkBudget(conversationsToWalk) };
}

/**
 * One or two letters or digits: the counted walk (search-walk-counted.sql) reads needed / share conversations;
 * the posting list holds about share × contacts of them (the sample's share is that of recent conversations,
 * which are busier: an over-estimate, so a doubtful case walks). Both then probe only the page's rows.
 */
function shortTermStrategy(needed: number, share: number, contacts: number): Strategy {
  if (share === 0) return { kind: "postings" };
  const walkMs = (needed / share) * WALK_MS_PER_CONVERSATION;
  const postingsMs = POSTINGS_MS_BASE + share * contacts * POSTINGS_MS_PER_CONTACT;
  if (walkMs > postingsMs) return { kind: "postings" };
  return { kind: "walk", budget: walkBudget(needed / share) };
}

/**
 * No trigram, a character above ASCII or a rare mark ("í", "…", "q}"): neither the signature nor a bloom spares the walk a probe,
 * so it probes every conversation it reads; the character posting list holds about share × contacts of them,
 * and its plan probes them up to the page's end (docs/scaling.md). Where most conversations hold the character,
 * the walk stops early and wins.
 */
function postedCharacterStrategy(needed: number, share: number, contacts: number): Strategy {
  if (share === 0) return { kind: "characters" };
  const walkMs = (needed / share) * (WALK_MS_PER_CONVERSATION + WALK_MS_PER_PROBE);
  const charactersMs =
    POSTINGS_MS_BASE + share * contacts * POSTINGS_MS_PER_CONTACT + needed * WALK_MS_PER_PROBE;
  if (walkMs > charactersMs) return { kind: "characters" };
  return { kind: "walk", budget: walkBudget(needed / share) };
}

/**
 * Every conversation walked costs its tests; each whose bloom admits the term, a probe. The admitted share is
 * measured on the sampled contacts' own blooms: a term made of common trigrams ("houston": hou, ous, ust, sto,
 * ton) passes most busy contacts' blooms although few of them match, and each such probe reads a whole thread.
 */
function estimateWalkMs(needed: number, conversationsToWalk: number, admittedShare: number): number {
  const probes = Math.max(needed, conversationsToWalk * admittedShare);
  return conversationsToWalk * WALK_MS_PER_CONVERSATION + probes * WALK_MS_PER_PROBE;
}

function walkBudget(conversationsToWalk: number): number {
  return Math.ceil(Math.max(WALK_BUDGET_MIN, conversationsToWalk * WALK_BUDGET_FACTOR));
}

type Estimate = ReturnType<typeof estimateMatches> & { indexKeys: IndexKeys };

/** The trigrams the index plan reads for this term, as chosen with its estimate (index-keys.ts). */
export function indexKeysFor(term: SearchTerm, sample: SearchSample): IndexKeys {
  return rememberedEstimate(term, sample).indexKeys;
}

/**
 * Estimates already made from a sample, by term: a term's estimate scans the sample's texts (milliseconds for a
 * rare one, docs/search.md), and paging through a search asks for the same term again. Keyed by the sample
 * object, so a refreshed sample starts empty and the old one's estimates go with it.
 */
const estimates = new WeakMap<SearchSample, Map<string, Estimate>>();
const ESTIMATES_KEPT = 1_000;

function rememberedEstimate(term: SearchTerm, sample: SearchSample): Estimate {
  let known = estimates.get(sample);
  if (known === undefined) {
    known = new Map();
    estimates.set(sample, known);
  }
  const key = `${term.folded}\0${term.digitsPattern ?? ""}`;
  let estimate = known.get(key);
  if (estimate === undefined) {
    estimate = { ...estimateMatches(term, sample), indexKeys: chooseIndexKeys(term, sample) };
    // The oldest entry goes first: a Map iterates in insertion order.
    if (known.size >= ESTIMATES_KEPT) known.delete(known.keys().next().value as string);
    known.set(key, estimate);
  }
  return estimate;
}

/**
 * Counting stops once this many occurrences were seen (then extrapolated from the messages counted so far):
 * enough for the estimate, and counting every "the" in the sample cost ~5 ms per search.
 */
const OCCURRENCES_ENOUGH = 2_000;

/**
 * The share of conversations that match, the number of matching messages in the whole table, and the share of
 * conversations whose trigram bloom admits the term (all of them for a term without a trigram).
 */
export function estimateMatches(term: SearchTerm, sample: SearchSample) {
  const { conversations } = sample;
  if (conversations.length === 0) return { conversationShare: 0, messages: 0, admittedShare: 0 };
  const digits = term.digitsPattern?.slice(1, -1);
  const bloomBits = trigramBloomBits(term.folded);
  let admitted = 0;
  let matching = 0;
  let occurrences = 0;
  let countedMessages = 0;
  for (const c of conversations) {
    let inText: boolean;
    if (occurrences < OCCURRENCES_ENOUGH) {
      const found = countOccurrences(c.text, term.folded);
      occurrences += found;
      countedMessages += c.messages;
      inText = found > 0;
    } else {
      inText = c.text.includes(term.folded);
    }
    if (inText || c.name.includes(term.folded) || (digits !== undefined && c.digits.includes(digits)))
      matching++;
    if (bloomHolds(c.bloom, bloomBits)) admitted++;
  }
  const messageShare = countedMessages > 0 ? occurrences / countedMessages : 0;
  return {
    conversationShare: matching / conversations.length,
    messages: messageShare * sample.totalMessages,
    admittedShare: admitted / conversations.length,
  };
}

function countOccurrences(text: string, needle: string): number {
  let count = 0;
  for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + needle.length)) count++;
  return count;
}
