import type { SearchSample } from "./search-sample.ts";
import type { SearchTerm } from "./search-term.ts";
import { trigramCode } from "./trigram-counts.ts";

/**
 * Which keys the index plan asks for: trigrams of messages_content_trgm, word pairs of messages_content_pairs
 * (migration 021). GIN intersects the posting list of every key it is given, and its cost follows the lists'
 * lengths, not the matches: "thats the case" reads "the" (35M messages at 1M contacts) to find 5,431. Asking
 * only for a few rare keys and testing the whole term on the rows they leave costs those lists plus one heap
 * visit per row left (docs/scaling.md). A phrase of common words has only common trigrams, but its word pairs
 * ("hey hav" in "like they have") are about as rare as the phrase.
 * The keys are chosen on the in-memory sample: each key's share of sampled messages gives its list length;
 * the sampled messages holding the rarest give how many rows a set of keys leaves.
 */
export type IndexKeys = {
  /** LIKE patterns on content_folded for the trigram index, each true of every message that holds the term. */
  patterns: string[];
  /** Word pairs ("ike the") every message holding the term has among its word_pair_keys. */
  pairs: string[];
  /** The plan's estimated cost in the database: its posting lists and heap visits, ms. */
  costMs: number;
};

/** Decoding and intersecting one posting-list entry (fitted on 2–5M-entry intersections at 50M messages). */
export const INDEX_MS_PER_POSTING = 0.00003;
/** Fetching and testing one heap row the chosen trigrams leave (2–7 µs measured at 50M messages). */
export const INDEX_MS_PER_CANDIDATE = 0.005;
/** The index plan's SQL has this many trigram slots; fewer keys repeat the first, which GIN reads once. */
const INDEX_KEY_SLOTS = 3;
/** Enough sampled messages holding the rarest key to estimate how many rows a set of keys leaves. */
const CANDIDATES_ENOUGH = 2_000;
/** Each pair's list length costs a scan of the sample's texts (~2 ms): a long phrase offers enough in six. */
const PAIRS_CONSIDERED = 6;

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

/**
 * search-index.sql's $8–$11: three trigram slots, the first pattern repeated into unused ones or all empty when
 * there is none, then the word pairs as one array.
 */
export function indexKeyValues({ patterns, pairs }: Pick<IndexKeys, "patterns" | "pairs">): unknown[] {
  const slots = Array.from({ length: INDEX_KEY_SLOTS }, (_, i) => patterns[i] ?? patterns[0] ?? "");
  return [...slots, pairs];
}

/** A pair's side: three printable ASCII characters, which JavaScript and PostgreSQL lower-case alike. */
const PAIR_SIDE = /^[\x21-\x7e]{3}$/;

/**
 * A term's word pairs, as word_pair_keys (migration 021) keys a text: the last three characters before a
 * single space and the first three after it, neither side holding a space. Only pairs of printable ASCII
 * characters, so each is surely in lower(term) as the database folds it. "like they have": "ike the", "hey hav".
 */
export function termPairs(text: string): string[] {
  const words = text.split(" ");
  const pairs = new Set<string>();
  for (let i = 0; i + 1 < words.length; i++) {
    const [left, right] = [(words[i] as string).slice(-3), (words[i + 1] as string).slice(0, 3)];
    if (PAIR_SIDE.test(left) && PAIR_SIDE.test(right)) pairs.add(`${left} ${right}`.toLowerCase());
  }
  return [...pairs];
}

export function chooseIndexKeys(term: SearchTerm, sample: SearchSample): IndexKeys {
  const trigrams = termTrigrams(term.folded);
  // Without a sample, the whole pattern: every trigram, as pg_trgm would take them.
  if (trigrams.length === 0 || sample.conversations.length === 0)
    return { patterns: [term.pattern], pairs: [], costMs: 0 };
  const pairs = termPairs(term.text).slice(0, PAIRS_CONSIDERED);
  const lists = new Map([
    ...trigrams.map((t) => [t, postingsOf(t, sample)] as const),
    ...pairs.map((p) => [p, pairPostingsOf(p, sample)] as const),
  ]);
  // Trigrams or pairs, never both: GIN has the heap recheck every trigram match, and the recheck then tests
  // every key of the bitmap, computing the row's word pairs again (~10 µs a row, more than the heap visit).
  const choices = [trigrams, pairs]
    .filter((pool) => pool.length > 0)
    .map((pool) => cheapestKeys(pool, lists, sample));
  const { keys, costMs } = choices.reduce((a, b) => (b.costMs < a.costMs ? b : a));
  return {
    patterns: keys.filter((k) => !isPair(k)).map((t) => `%${t}%`),
    pairs: keys.filter(isPair),
    costMs,
  };
}

/**
 * From the rarest key of `pool`, add the key that most lowers the cost (its list against the heap visits it
 * saves) while one does, up to the SQL's slots.
 */
function cheapestKeys(pool: string[], lists: Map<string, number>, sample: SearchSample) {
  const byLength = [...pool].sort((a, b) => (lists.get(a) as number) - (lists.get(b) as number));
  const rarest = byLength[0] as string;
  const candidates = messagesHolding(rarest, sample);
  const cost = (keys: string[]) =>
    keys.reduce((ms, t) => ms + (lists.get(t) as number) * INDEX_MS_PER_POSTING, 0) +
    rowsLeft(keys, candidates) * INDEX_MS_PER_CANDIDATE;
  const keys = [rarest];
  let costMs = cost(keys);
  while (keys.length < INDEX_KEY_SLOTS) {
    const next = byLength
      .filter((t) => !keys.includes(t))
      .map((t) => ({ t, ms: cost([...keys, t]) }))
      .reduce((a, b) => (b.ms < a.ms ? b : a), { t: "", ms: costMs });
    if (next.t === "") break;
    keys.push(next.t);
    costMs = next.ms;
  }
  return { keys, costMs };
}

/** A trigram holds no space; a word pair, one. */
const isPair = (key: string) => key.includes(" ");

/** The trigram's posting list length in messages_content_trgm, extrapolated from the sample's counts. */
function postingsOf(trigram: string, { trigrams, totalMessages }: SearchSample): number {
  const occurrences = trigrams.occurrences[trigramCode(trigram)] ?? 0;
  return trigrams.messages > 0 ? (occurrences / trigrams.messages) * totalMessages : 0;
}

/**
 * The pair's posting list length in messages_content_pairs: sampled messages holding it (the sample's texts
 * are one message per line, and a pair holds no line break), extrapolated to the table.
 */
function pairPostingsOf(pair: string, { conversations, totalMessages }: SearchSample): number {
  let occurrences = 0;
  let messages = 0;
  for (const c of conversations) {
    for (let at = c.text.indexOf(pair); at !== -1; at = c.text.indexOf(pair, at + pair.length)) occurrences++;
    messages += c.messages;
  }
  return messages > 0 ? (occurrences / messages) * totalMessages : 0;
}

type Candidates = { texts: string[]; perText: number };

/**
 * Sampled messages (the sample's texts are one message per line) holding `key`, and how many messages of the
 * whole table each stands for.
 */
function messagesHolding(key: string, sample: SearchSample): Candidates {
  const texts: string[] = [];
  let messages = 0;
  for (const c of sample.conversations) {
    let lineEnd = -1;
    for (let at = c.text.indexOf(key); at !== -1; at = c.text.indexOf(key, lineEnd + 1)) {
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
