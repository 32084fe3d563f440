import type pg from "pg";
import type { Pool } from "../db/pool.ts";
import { readOnlyWith } from "../db/transaction.ts";
import type { Logger } from "../logger.ts";
import { countTrigrams, type TrigramCounts } from "./trigram-counts.ts";

/**
 * A random sample of recent conversations held in memory (names, digits, recent message texts), from which the
 * planner estimates, in well under a millisecond, how common a search term is before choosing a plan.
 * Refreshed in the background so it follows the data as messages arrive. It is a sample of conversations,
 * not a cache of texts: results always come from the database.
 */
export type SampledConversation = {
  name: string;
  digits: string;
  text: string;
  messages: number;
  /** The contact's trigram bloom (contact_trigrams, migration 011) as varbit_send gives it: summary-codes.ts. */
  bloom: Uint8Array;
};

export type SearchSample = {
  conversations: SampledConversation[];
  /** Over the sampled texts: how common each trigram is (index-keys.ts). */
  trigrams: TrigramCounts;
  totalContacts: number;
  totalMessages: number;
};

export type SampleKeeper = {
  current(): SearchSample;
  /** False until the first sample is read: searches may meanwhile take a slow plan. */
  isLoaded(): boolean;
  refresh(): Promise<void>;
  stop(): void;
};

/**
 * Until the first sample is read, the planner sees an empty one and picks the plans that need no estimate
 * (trigram index, or signature filter); requests are served meanwhile.
 */

const SAMPLE_CONVERSATIONS = 600;
/** The population sampled: the conversations the first pages of a walk go through. */
const RECENT_CONVERSATIONS = 6_000;
const MESSAGES_PER_CONVERSATION = 200;
/** Reading the sample is background work: it may take longer than a request is allowed to. */
const SAMPLE_TIMEOUT_MS = 120_000;
const EMPTY: SearchSample = {
  conversations: [],
  trigrams: { occurrences: new Uint32Array(0), messages: 0 },
  totalContacts: 0,
  totalMessages: 0,
};

/** `onLoad` hears of every sample read (a cluster's primary hands it to its workers). */
export function createSampleKeeper(
  pool: Pool,
  logger: Logger,
  refreshMs: number,
  onLoad: (sample: SearchSample) => void = () => {},
): SampleKeeper {
  let sample = EMPTY;
  const refresh = async () => {
    sample = await loadSample(pool);
    onLoad(sample);
  };
  const timer = setInterval(() => {
    refresh().catch((error: unknown) => logger.warn({ err: error }, "refreshing the search sample failed"));
  }, refreshMs);
  timer.unref();
  return {
    current: () => sample,
    isLoaded: () => sample !== EMPTY,
    refresh,
    stop: () => clearInterval(timer),
  };
}

/**
 * A keeper that reads nothing itself: a cluster worker's, given each sample its primary reads
 * (src/cluster/worker.ts), so the sample is read once however many workers there are.
 */
export function createSampleMirror(): SampleKeeper & { accept(sample: SearchSample): void } {
  let sample = EMPTY;
  return {
    current: () => sample,
    isLoaded: () => sample !== EMPTY,
    refresh: async () => {},
    stop: () => {},
    accept: (next) => {
      sample = next;
    },
  };
}

function loadSample(pool: Pool): Promise<SearchSample> {
  return readOnlyWith(pool, { statement_timeout: String(SAMPLE_TIMEOUT_MS) }, readSample);
}

async function readSample(db: pg.PoolClient): Promise<SearchSample> {
  const totals = await db.query<{ contacts: number; messages: number }>(
    `SELECT greatest((SELECT reltuples FROM pg_class WHERE oid = 'contacts'::regclass), 0)::float8 AS contacts,
            greatest((SELECT reltuples FROM pg_class WHERE oid = 'messages'::regclass), 0)::float8 AS messages`,
  );
  const { contacts, messages } = totals.rows[0] ?? { contacts: 0, messages: 0 };
  const fraction = Math.min(1, SAMPLE_CONVERSATIONS / Math.max(1, Math.min(RECENT_CONVERSATIONS, contacts)));
  // Drawn from the most recent conversations: the walk starts there, and recent conversations are busier
  // (more messages, more matches) than a uniform sample would suggest. The draw happens before the texts are
  // read, so only the sampled threads are read, index-only (the timeline index carries content_folded). The
  // bloom tells the planner how many of the walk's probes a term would cost (planner.ts).
  const { rows } = await db.query<SampledConversation>(
    `SELECT lower(c.name) AS name, c.phone_digits AS digits, recent.text, recent.messages,
            varbit_send(t.bloom) AS bloom
       FROM (SELECT id, name, phone_digits
               FROM (SELECT id, name, phone_digits FROM contacts
                      WHERE last_message_id IS NOT NULL
                      ORDER BY last_message_at DESC, id DESC
                      LIMIT $1) newest
              WHERE random() < $4
              LIMIT $3) c
       CROSS JOIN LATERAL (
             SELECT coalesce(string_agg(m.content_folded, E'\\n'), '') AS text, count(*)::int AS messages
               FROM (SELECT content_folded FROM messages WHERE contact_id = c.id
                      ORDER BY "timestamp" DESC, id DESC LIMIT $2) m) recent
       JOIN contact_trigrams t ON t.contact_id = c.id`,
    [RECENT_CONVERSATIONS, MESSAGES_PER_CONVERSATION, SAMPLE_CONVERSATIONS, fraction],
  );
  return {
    conversations: rows,
    trigrams: await countTrigrams(rows),
    totalContacts: contacts,
    totalMessages: messages,
  };
}
