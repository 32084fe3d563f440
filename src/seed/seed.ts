import { existsSync } from "node:fs";
import type pg from "pg";
import { checkSample, type SampleCheck } from "../conversations/integrity.ts";
import type { Pool } from "../db/pool.ts";
import { generateContacts } from "./contacts.ts";
import { type Corpus, generateCorpus, readCorpus } from "./corpus.ts";
import { loadDataset } from "./load.ts";
import { messagesPerContact, planMessages } from "./plan.ts";
import { checkResources } from "./preflight.ts";
import { createProgress, type PhaseTiming } from "./progress.ts";
import { createRandom } from "./random.ts";
import { type RelationSize, readSizes } from "./sizes.ts";
import { createMessageTexts } from "./texts.ts";

export type SeedOptions = {
  contacts: number;
  messages: number;
  /** A message_content.csv; undefined: `data/message_content.csv` when present, else generated lines. */
  contentPath: string | undefined;
  randomSeed: number;
  reset: boolean;
  /** The "now" the two years of history end at (seconds); fixed in tests for byte-identical data. */
  nowSeconds?: number;
  interactive: boolean;
};

export type SeedResult =
  | { status: "skipped"; contacts: number }
  | {
      status: "seeded";
      contacts: number;
      messages: number;
      contentSource: string;
      corpusLines: number;
      /** Distinct message texts over messages (texts.ts). */
      distinctShare: number;
      perContactPercentiles: Record<string, number>;
      timings: PhaseTiming[];
      totalSeconds: number;
      sizes: RelationSize[];
      integrity: SampleCheck;
    };

export const DEFAULT_CONTENT_PATH = "data/message_content.csv";
const GENERATED_CORPUS_LINES = 50_000;

/** Seeds an empty database (or any, with `reset`); a populated one is left alone. */
export async function seed(
  pool: Pool,
  options: SeedOptions,
  log: (line: string) => void,
): Promise<SeedResult> {
  const existing = await countContacts(pool);
  if (existing > 0 && !options.reset) return { status: "skipped", contacts: existing };
  const started = performance.now();
  // Check room and read the content first: either failing leaves the database untouched.
  const { diskNote } = await withClient(pool, (client) =>
    checkResources(client, options.contacts, options.messages),
  );
  log(`resources: ${diskNote}`);
  const corpus = await loadCorpus(options, log);
  const progress = createProgress(options.interactive, log);
  let dataset!: Parameters<typeof loadDataset>[1];
  await progress.steps("generate", [{ name: "contacts and message plan" }], async () => {
    const random = createRandom(options.randomSeed);
    const perContact = messagesPerContact(options.contacts, options.messages, random);
    const now = options.nowSeconds ?? Math.floor(Date.now() / 3_600_000) * 3_600;
    const plan = planMessages(perContact, corpus.lines.length, random, now);
    const texts = createMessageTexts(corpus.lines, options.randomSeed);
    dataset = { ...generateContacts(options.contacts, options.randomSeed), texts, plan };
  });
  const distinctShare = await withClient(pool, (client) => loadDataset(client, dataset, progress));
  // The seeder computed pointers, signatures, blooms and posting lists itself: compare a sample with the
  // database's own recomputation before anyone searches them.
  const integrity = await progress.task("verify", () => checkSample(pool));
  return {
    status: "seeded",
    contacts: options.contacts,
    messages: options.messages,
    contentSource: corpus.source,
    corpusLines: corpus.lines.length,
    distinctShare,
    perContactPercentiles: percentiles(dataset.plan.perContact),
    timings: progress.timings,
    totalSeconds: (performance.now() - started) / 1000,
    sizes: await readSizes(pool),
    integrity,
  };
}

async function withClient<T>(pool: Pool, run: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    return await run(client);
  } finally {
    client.release();
  }
}

async function countContacts(pool: Pool): Promise<number> {
  // Existence, not a count: cheap on any size.
  const { rows } = await pool.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM (SELECT 1 FROM contacts LIMIT 1) s",
  );
  return rows[0]?.n ?? 0;
}

async function loadCorpus(options: SeedOptions, log: (line: string) => void): Promise<Corpus> {
  const path = options.contentPath ?? (existsSync(DEFAULT_CONTENT_PATH) ? DEFAULT_CONTENT_PATH : undefined);
  if (path) return readCorpus(path);
  log(`no content file (${DEFAULT_CONTENT_PATH} or --content): generating plausible chat lines instead`);
  return generateCorpus(GENERATED_CORPUS_LINES, options.randomSeed);
}

function percentiles(perContact: Int32Array): Record<string, number> {
  const sorted = Int32Array.from(perContact).sort();
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
  return { min: at(0), p25: at(25), p50: at(50), p75: at(75), p90: at(90), p99: at(99), max: at(100) };
}
