import type pg from "pg";
import { escapeLike } from "../src/conversations/search-term.ts";
import type { Pool } from "../src/db/pool.ts";
import { readOnlyWith } from "../src/db/transaction.ts";
import { createRandom, type Random } from "../src/seed/random.ts";

/**
 * The benchmark's search terms, drawn at random per class from the data in the database (and, where the data
 * has none, from a fixed alphabet), so that a run measures a class rather than one hand-picked word that a plan
 * may happen to suit. The same seed on the same data draws the same terms: samples are REPEATABLE with the seed,
 * and every choice in JS comes from one seeded PRNG.
 *
 * Every draw must stay cheap on a 1M-contact / 50M-message database: samples are TABLESAMPLE SYSTEM (a few
 * hundred random pages), contacts are reached by random id or by the conversation-order index, never a full scan.
 */
export type TermClass = { group: string; terms: string[] };
export type DrawOptions = { seed: number; perClass: number };

/** Messages read for word frequencies: enough to rank the few thousand commonest words stably. */
const SAMPLED_MESSAGES = 20_000;
/** Contacts whose signatures classify the letter pairs: a share of 1 in 1,000 is still seen ~5 times. */
const SAMPLED_CONTACTS = 5_000;
/** Conversations at either end of the conversation order, for the old-conversations-only class. */
const END_CONVERSATIONS = 300;
/** Recent messages per newest conversation that an old-only word must not be among. */
const RECENT_MESSAGES = 20;

const LETTERS = [..."abcdefghijklmnopqrstuvwxyz"];
const DIGITS = [..."0123456789"];
/**
 * Marks chat texts seldom hold, paired with a letter when every letter and digit pair occurs somewhere. Not the
 * LIKE wildcards, nor a markdown table's bar or a code span's backtick (the report lists the terms).
 */
const RARE_MARKS = [..."~^{}"];
/** The non-ASCII cases a search must handle, for data that holds none: accents, ß, Turkish i, emoji, CJK. */
const NON_ASCII_ALPHABET = ["é", "ü", "ñ", "ß", "ı", "İ", "ø", "😀", "👍", "中", "日", "한"];
/** Words for the word classes: letters only, 4 or more (shorter terms are the 1–2 character classes' business). */
const WORD = /\p{L}{4,}/gu;

export async function drawSearchTerms(pool: Pool, { seed, perClass }: DrawOptions): Promise<TermClass[]> {
  const random = createRandom(seed);
  const texts = await sampleMessages(pool, seed);
  const ranked = rankWords(texts);
  const contacts = await randomContacts(pool, random, perClass);
  return [
    { group: "1 character", terms: pickDistinct(random, LETTERS, perClass) },
    ...(await twoCharacterClasses(pool, seed, random, perClass)),
    { group: "digits", terms: contacts.map((c) => digitRun(c.phone, random)) },
    { group: "name fragment", terms: contacts.map((c) => nameFragment(c.name, random)) },
    ...wordClasses(ranked, random, perClass),
    { group: "several words", terms: phrases(texts, random, perClass) },
    nonAscii(texts, random, perClass),
    { group: "old conversations only", terms: await oldOnlyWords(pool, ranked, random, perClass) },
  ];
}

/** The planner's row estimate of a table (0 when never analysed). */
async function estimatedRows(pool: Pool, table: "messages" | "contacts"): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(
    "SELECT greatest(reltuples, 0)::float8 AS n FROM pg_class WHERE oid = $1::regclass",
    [table],
  );
  return rows[0]?.n ?? 0;
}

/** TABLESAMPLE SYSTEM's percentage for about `rows` of `estimate` rows (all of them when unknown). */
function samplePercent(estimate: number, rows: number): number {
  return estimate <= 0 ? 100 : Math.min(100, (100 * rows) / estimate);
}

/**
 * Folded texts of ~20k messages from random pages. SYSTEM reads whole pages, so neighbouring messages (often
 * of one contact's burst) come together; over a few hundred pages that barely skews word frequencies.
 * The LIMIT guards against a stale estimate turning the sample into a scan.
 */
async function sampleMessages(pool: Pool, seed: number): Promise<string[]> {
  const percent = samplePercent(await estimatedRows(pool, "messages"), SAMPLED_MESSAGES);
  const { rows } = await pool.query<{ text: string }>(
    "SELECT content_folded AS text FROM messages TABLESAMPLE SYSTEM ($1) REPEATABLE ($2) LIMIT $3",
    [percent, seed, 2 * SAMPLED_MESSAGES],
  );
  return rows.map((r) => r.text);
}

type RankedWord = { word: string; count: number };

/** Words of the sampled texts, commonest first; ties in alphabetical order, so the ranking is deterministic. */
function rankWords(texts: string[]): RankedWord[] {
  const counts = new Map<string, number>();
  for (const text of texts)
    for (const word of text.match(WORD) ?? []) counts.set(word, (counts.get(word) ?? 0) + 1);
  return [...counts]
    .map(([word, count]) => ({ word, count }))
    .sort((a, b) => b.count - a.count || (a.word < b.word ? -1 : a.word > b.word ? 1 : 0));
}

/**
 * Very common: among the top 20 (the walk finds a page at once). Common: frequency rank 100–1,000 (the walk
 * reads a few conversations per match). Rare: seen once or twice in the sample (the trigram index answers).
 * A small data set has fewer than 100 words seen 3+ times: common then takes those below the top 20.
 */
function wordClasses(ranked: RankedWord[], random: Random, perClass: number): TermClass[] {
  const seenOften = (w: RankedWord) => w.count >= 3;
  let common = ranked.slice(100, 1_000).filter(seenOften);
  if (common.length === 0) common = ranked.slice(20).filter(seenOften);
  const words = (band: RankedWord[]) =>
    pickDistinct(
      random,
      band.map((w) => w.word),
      perClass,
    );
  return [
    { group: "very common word", terms: words(ranked.slice(0, 20)) },
    { group: "common word", terms: words(common) },
    { group: "rare word", terms: words(ranked.filter((w) => w.count <= 2)) },
  ];
}

/**
 * 2 characters, by how many conversations hold them. A contact's content signature (migration 005) records every
 * adjacent pair of letters or digits its messages hold, and contact_text_signature (016) those of its name and
 * number, so the share of a sample of contacts whose signatures have the pair estimates how many conversations
 * match it without reading a message. All 676 letter pairs are classified at once: few are the lowest fifth of
 * the pairs seen, many the top fifth.
 */
async function twoCharacterClasses(
  pool: Pool,
  seed: number,
  random: Random,
  perClass: number,
): Promise<TermClass[]> {
  const letterPairs = shuffle(random, pairs(LETTERS, LETTERS));
  const mixedPairs = shuffle(random, [...pairs(LETTERS, DIGITS), ...pairs(DIGITS, LETTERS)]);
  // One random mark per letter and side: the four marks share one signature symbol, so they would all have
  // the same share, and the class would be four spellings of one letter's pair.
  const mark = () => RARE_MARKS[random.int(RARE_MARKS.length)] as string;
  const markPairs = shuffle(
    random,
    LETTERS.flatMap((letter) => [letter + mark(), mark() + letter]),
  );
  const shares = await sampledShares(pool, seed, [...letterPairs, ...mixedPairs, ...markPairs]);
  const share = (pair: string) => shares.get(pair) ?? 0;
  // Stable sorts over shuffled lists: pairs with equal shares come in random order.
  const seen = letterPairs.filter((p) => share(p) > 0).sort((a, b) => share(a) - share(b));
  const fifth = Math.max(1, Math.floor(seen.length / 5));
  // Candidates for no match, likeliest first: letter or digit pairs the sample never saw, then pairs with a mark,
  // fewest sampled conversations first. Seeded texts carry random references and tracking codes, so even a small
  // data set holds every letter and digit pair (400 contacts / 8,000 generated messages did): marks are left.
  const unseen = [...letterPairs, ...mixedPairs].filter((p) => share(p) === 0);
  // A pair with a mark is disproved by reading the threads of the contacts that may hold it: past ~20,000 of
  // them, more than a check may take.
  const contacts = await estimatedRows(pool, "contacts");
  const marked = markPairs.filter((p) => share(p) * contacts <= 20_000).sort((a, b) => share(a) - share(b));
  return [
    { group: "2 characters, no match", terms: await matchingNothing(pool, [...unseen, ...marked], perClass) },
    { group: "2 characters, few", terms: pickDistinct(random, seen.slice(0, fifth), perClass) },
    { group: "2 characters, many", terms: pickDistinct(random, seen.slice(-fifth), perClass) },
  ];
}

function pairs(first: string[], second: string[]): string[] {
  return first.flatMap((a) => second.map((b) => a + b));
}

/**
 * Share of sampled conversations whose signatures may hold each term (exactly: hold it, for 1–2 letters or
 * digits). The test is signature_may_match's (migration 007), two bits of signature_probe_bits, run here in JS
 * over the signatures' text: tens of milliseconds, where SQL's get_bit took seconds for ~1,250 terms.
 */
async function sampledShares(pool: Pool, seed: number, terms: string[]): Promise<Map<string, number>> {
  const { rows: probes } = await pool.query<{ term: string; probe: number[] }>(
    "SELECT term, signature_probe_bits(term) AS probe FROM unnest($1::text[]) term",
    [terms],
  );
  const percent = samplePercent(await estimatedRows(pool, "contacts"), SAMPLED_CONTACTS);
  const { rows: sampled } = await pool.query<{ signature: string }>(
    `SELECT (content_signature | contact_text_signature(name, phone_digits))::text AS signature
       FROM contacts TABLESAMPLE SYSTEM ($1) REPEATABLE ($2)
      WHERE last_message_id IS NOT NULL
      LIMIT $3`,
    [percent, seed, 2 * SAMPLED_CONTACTS],
  );
  // A bit string's text lists bit 0 first, as get_bit numbers them.
  const holds = (signature: string, [first = 0, second = 0]: number[]) =>
    signature[first] === "1" && signature[second] === "1";
  return new Map(
    probes.map(({ term, probe }) => [
      term,
      sampled.filter((s) => holds(s.signature, probe)).length / Math.max(1, sampled.length),
    ]),
  );
}

/**
 * The first `perClass` candidates proven to match no conversation. Bounded: at most 40 tried, and none after
 * 5 s (each check stops at 1 s), so a data set where every pair occurs costs seconds, not minutes.
 */
async function matchingNothing(pool: Pool, candidates: string[], perClass: number): Promise<string[]> {
  const found: string[] = [];
  const deadline = Date.now() + 5_000;
  for (const candidate of candidates.slice(0, 40)) {
    if (found.length === perClass || Date.now() > deadline) break;
    if (await provenAbsent(pool, candidate)) found.push(candidate);
  }
  return found;
}

/**
 * Whether no conversation holds the term, proven without a scan. Only contacts posted under the term's highest
 * signature bit (migration 016: every bit any message, name or number of theirs ever set) can hold it. For a
 * letter or digit pair that list is empty or its first contact holds the pair (exact signatures), so the answer
 * comes at once. For a pair with a mark (one "other" symbol in the signature) the posted contacts' messages are
 * read: cheap when few contacts end a word with that letter, and cut off after 1 s (then: not proven).
 */
async function provenAbsent(pool: Pool, term: string): Promise<boolean> {
  const query = (db: pg.PoolClient) =>
    db.query<{ none: boolean }>(
      `SELECT NOT EXISTS (
                SELECT FROM contacts c
                 WHERE c.id IN (SELECT contact_id FROM contact_signature_bits
                                 WHERE bits @> ARRAY[(signature_probe_bits($1))[1]]::smallint[])
                   AND (c.name_folded LIKE $2 OR c.phone_digits LIKE $2
                        OR EXISTS (SELECT FROM messages m WHERE m.contact_id = c.id AND m.content_folded LIKE $2))
              ) AS none`,
      [term, `%${escapeLike(term)}%`],
    );
  try {
    const { rows } = await readOnlyWith(pool, { statement_timeout: "1000" }, query);
    return rows[0]?.none ?? false;
  } catch (error) {
    if ((error as { code?: string }).code === "57014") return false;
    throw error;
  }
}

type SampledContact = { name: string; phone: string };

/** Contacts at random ids (the first at or after each, so the primary key finds them), for names and digits. */
async function randomContacts(pool: Pool, random: Random, count: number): Promise<SampledContact[]> {
  const { rows: bounds } = await pool.query<{ low: number | null; high: number | null }>(
    "SELECT min(id) AS low, max(id) AS high FROM contacts",
  );
  const { low, high } = bounds[0] ?? { low: null, high: null };
  if (low === null || high === null) return [];
  const ids = Array.from({ length: count }, () => low + random.int(high - low + 1));
  const { rows } = await pool.query<SampledContact>(
    `SELECT c.name, c.phone_digits AS phone
       FROM unnest($1::bigint[]) WITH ORDINALITY AS drawn(id, position)
       CROSS JOIN LATERAL (SELECT name, phone_digits FROM contacts WHERE id >= drawn.id ORDER BY id LIMIT 1) c
      ORDER BY drawn.position`,
    [ids],
  );
  return rows;
}

/** 4 or 5 consecutive digits of a phone number, as someone types part of one. */
function digitRun(phone: string, random: Random): string {
  const length = Math.min(phone.length, 4 + random.int(2));
  return phone.slice(...span(phone.length, length, random));
}

/** 3–5 letters of one part of a name ("Mr. John Doe": of "john" or "doe"), lower-cased. */
function nameFragment(name: string, random: Random): string {
  const parts = name.toLowerCase().match(/\p{L}{3,}/gu) ?? [name.toLowerCase()];
  const part = parts[random.int(parts.length)] as string;
  const length = Math.min(part.length, 3 + random.int(3));
  return part.slice(...span(part.length, length, random));
}

/** Start and end of a random run of `length` within `total`. */
function span(total: number, length: number, random: Random): [number, number] {
  const start = random.int(total - length + 1);
  return [start, start + length];
}

/**
 * Two or three consecutive words of a sampled message, as typed (single spaces), so the phrase occurs at least
 * there. Words are letters only, so punctuation does not end up in the term.
 */
function phrases(texts: string[], random: Random, count: number): string[] {
  const found = new Set<string>();
  for (let attempt = 0; attempt < 50 * count && found.size < count && texts.length > 0; attempt++) {
    const words = (texts[random.int(texts.length)] as string).split(" ");
    const length = 2 + random.int(2);
    const starts = words
      .map((_, i) => i)
      .filter(
        (i) => i + length <= words.length && words.slice(i, i + length).every((w) => /^\p{L}+$/u.test(w)),
      );
    if (starts.length === 0) continue;
    const start = starts[random.int(starts.length)] as number;
    const phrase = words.slice(start, start + length).join(" ");
    if (phrase.length >= 6) found.add(phrase);
  }
  return [...found];
}

/**
 * Non-ASCII characters (whole graphemes: an emoji with its modifiers, a letter with its accents) that occur in
 * the sampled texts; when none does, characters of a fixed alphabet. All of them fall in the signature's one
 * "other" symbol and none makes a trigram on its own, so they take the plans' least narrowed paths.
 */
function nonAscii(texts: string[], random: Random, count: number): TermClass {
  const segmenter = new Intl.Segmenter("en", { granularity: "grapheme" });
  const found = new Set<string>();
  for (const text of texts) {
    if (!/[^\p{ASCII}]/u.test(text)) continue;
    for (const { segment } of segmenter.segment(text)) {
      if (/[^\p{ASCII}]/u.test(segment) && !/^[\s\p{C}]+$/u.test(segment)) found.add(segment);
    }
  }
  if (found.size === 0)
    return { group: "non-ASCII, alphabet", terms: pickDistinct(random, NON_ASCII_ALPHABET, count) };
  return { group: "non-ASCII, from the data", terms: pickDistinct(random, [...found].sort(), count) };
}

/**
 * A word of the latest message of one of the oldest conversations (the conversation-order index read from its
 * old end) that neither the random sample nor the newest conversations' recent messages hold: such a word is
 * rare, and what matches it lies deep in the conversation order, which a walk from the newest must go through.
 * Without such a word (a small data set whose vocabulary the sample covers), the rarest of the old words.
 */
async function oldOnlyWords(
  pool: Pool,
  ranked: RankedWord[],
  random: Random,
  count: number,
): Promise<string[]> {
  const { rows } = await pool.query<{ text: string; recent: boolean }>(
    `SELECT m.content_folded AS text, false AS recent
       FROM (SELECT last_message_id FROM contacts WHERE last_message_id IS NOT NULL
              ORDER BY last_message_at, id LIMIT $1) c
       JOIN messages m ON m.id = c.last_message_id
     UNION ALL
     SELECT m.content_folded, true
       FROM (SELECT id FROM contacts WHERE last_message_id IS NOT NULL
              ORDER BY last_message_at DESC, id DESC LIMIT $1) c
       CROSS JOIN LATERAL (SELECT content_folded FROM messages WHERE contact_id = c.id
                            ORDER BY "timestamp" DESC, id DESC LIMIT $2) m`,
    [END_CONVERSATIONS, RECENT_MESSAGES],
  );
  const recent = new Set(rows.filter((r) => r.recent).flatMap((r) => r.text.match(WORD) ?? []));
  const sampled = new Map(ranked.map((w) => [w.word, w.count]));
  const old = [...new Set(rows.filter((r) => !r.recent).flatMap((r) => r.text.match(WORD) ?? []))]
    .filter((w) => !recent.has(w))
    .sort();
  const unsampled = old.filter((w) => !sampled.has(w));
  if (unsampled.length > 0) return pickDistinct(random, unsampled, count);
  const fewest = Math.min(...old.map((w) => sampled.get(w) ?? 0));
  return pickDistinct(
    random,
    old.filter((w) => sampled.get(w) === fewest),
    count,
  );
}

/** `count` distinct items in random order (all of them when there are fewer). */
function pickDistinct<T>(random: Random, items: readonly T[], count: number): T[] {
  return shuffle(random, [...new Set(items)]).slice(0, count);
}

/** Fisher–Yates over a copy. */
function shuffle<T>(random: Random, items: readonly T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}
