import type { SearchSample } from "./search-sample.ts";
import type { SearchTerm } from "./search-term.ts";
import { trigramCode } from "./trigram-counts.ts";

/**
 * Which of a term's trigrams the index plan asks messages_content_trgm for. GIN intersects the posting list of
 * every trigram in a LIKE pattern, and its cost follows the lists' lengths, not the matches: "thats the case"
 * reads "the" (35M messages at 1M contacts) to find 5,431. Asking only for a few rare trigrams and testing the
 * whole term on the rows they leave costs those lists plus one heap visit per row left (docs/scaling.md).
 * The keys are chosen on the in-memory sample: each trigram's share of sampled messages gives its list length;
 * the sampled messages holding the rarest give how many rows a set of trigrams leaves.
 */
export type IndexKeys = {
  /** LIKE patterns on content_folded, each true of every message that holds the term. */
  patterns: string[];
  /** The plan's estimated cost in the database: its posting lists and heap visits, ms. */
  costMs: number;
};

/** Decoding and intersecting one posting-list entry (fitted on 2–5M-entry intersections at 50M messages). */
export const INDEX_MS_PER_POSTING = 0.00003;
/** Fetching and testing one heap row the chosen trigrams leave (2–7 µs measured at 50M messages). */
export const INDEX_MS_PER_CANDIDATE = 0.005;
/** The index plan's SQL has this many key slots; fewer keys repeat the first, which GIN reads once. */
export const INDEX_KEY_SLOTS = 3;
/** Enough sampled messages holding the rarest trigram to estimate how many rows a set of trigrams leaves. */
const CANDIDATES_ENOUGH = 2_000;

/**
 * Only ASCII trigrams become keys: JavaScript and PostgreSQL lower-case them alike, so each is surely in
 * lower(term) as the database folds it. A term without one keeps its whole pattern as the only key.
 */
export function termTrigrams(folded: string): string[] {
  const trigrams = new Set<string>();
  for (const run of folded.match(/[a-z0-9]{3,}/g) ?? []) {
    for (let i = 0; i + 3 <= run.length; i++) trigrams.add(run.slice(i, i + 3));
  }
  return [...trigrams];
}

export function chooseIndexKeys(term: SearchTerm, sample: SearchSample): IndexKeys {
  const trigrams = termTrigrams(term.folded);
  // Without a sample, the whole pattern: every trigram, as pg_trgm would take them.
  if (trigrams.length === 0 || sample.conversations.length === 0)
    return { patterns: [term.pattern], costMs: 0 };
  const lists = new Map(trigrams.map((t) => [t, postingsOf(t, sample)]));
  const byLength = trigrams.sort((a, b) => (lists.get(a) as number) - (lists.get(b) as number));
  const rarest = byLength[0] as string;
  const candidates = messagesHolding(rarest, sample);
  const cost = (keys: string[]) =>
    keys.reduce((ms, t) => ms + (lists.get(t) as number) * INDEX_MS_PER_POSTING, 0) +
    rowsLeft(keys, candidates) * INDEX_MS_PER_CANDIDATE;
  const keys = [rarest];
  let best = cost(keys);
  while (keys.length < INDEX_KEY_SLOTS) {
    const next = byLength
      .filter((t) => !keys.includes(t))
      .map((t) => ({ t, ms: cost([...keys, t]) }))
      .reduce((a, b) => (b.ms < a.ms ? b : a), { t: "", ms: best });
    if (next.t === "") break;
    keys.push(next.t);
    best = next.ms;
  }
  return { patterns: keys.map((t) => `%${t}%`), costMs: best };
}

/** The trigram's posting list length in messages_content_trgm, extrapolated from the sample's counts. */
function postingsOf(trigram: string, { trigrams, totalMessages }: SearchSample): number {
  const occurrences = trigrams.occurrences[trigramCode(trigram)] ?? 0;
  return trigrams.messages > 0 ? (occurrences / trigrams.messages) * totalMessages : 0;
}

type Candidates = { texts: string[]; perText: number };

/**
 * Sampled messages (the sample's texts are one message per line) holding `trigram`, and how many messages of
 * the whole table each stands for.
 */
function messagesHolding(trigram: string, sample: SearchSample): Candidates {
  const texts: string[] = [];
  let messages = 0;
  for (const c of sample.conversations) {
    let lineEnd = -1;
    for (let at = c.text.indexOf(trigram); at !== -1; at = c.text.indexOf(trigram, lineEnd + 1)) {
      const start = c.text.lastIndexOf("\n", at) + 1;
      lineEnd = c.text.indexOf("\n", at);
      if (lineEnd === -1) lineEnd = c.text.length;
      texts.push(c.text.slice(start, lineEnd));
    }
    messages += c.messages;
    if (texts.length >= CANDIDATES_ENOUGH) break;
  }
  return { texts, perText: messages > 0 ? sample.totalMessages / messages : 0 };
}

function rowsLeft(keys: string[], candidates: Candidates): number {
  const left = candidates.texts.filter((text) => keys.every((t) => text.includes(t))).length;
  return left * candidates.perText;
}
