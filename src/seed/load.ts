import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { escapeCopyText } from "./corpus.ts";
import { createDistinctCounter, type DistinctCounter } from "./distinct.ts";
import type { MessagePlan } from "./plan.ts";
import type { Progress } from "./progress.ts";
import { snapshotSchema } from "./schema-snapshot.ts";
import { type ContactSummaries, createContactSummaries } from "./summaries.ts";
import type { MessageTexts } from "./texts.ts";

/**
 * The bulk load, in one transaction: either the whole data set lands with every index, or nothing changed.
 * A run that is interrupted (Ctrl-C, crash, kill) rolls back, and the next run starts from a clean slate.
 *
 * Why it is fast: TRUNCATE in the same transaction lets COPY skip WAL (wal_level=minimal) and write frozen,
 * all-visible pages (FREEZE); indexes and constraints are dropped first and rebuilt once at the end. Whatever
 * the triggers would keep per message is computed here while the messages stream: each contact's
 * last-message pointer (the plan is in time order, so its last message is the latest), content signature and
 * trigram bloom (summaries.ts). Contacts are then written once, complete: no UPDATE, no dead row versions.
 */

export type Dataset = {
  names: string[];
  phones: string[];
  texts: MessageTexts;
  plan: MessagePlan;
};

/** What streaming the messages learnt about the contacts (message numbers are ids: 1-based, in time order). */
type Learnt = {
  summaries: ContactSummaries;
  lastMessage: Int32Array;
  /** Each contact's latest outbound message (0: none), and how many inbound ones came after it. */
  lastOutbound: Int32Array;
  inboundSince: Int32Array;
  distinct: DistinctCounter;
};

/**
 * The read markers a seeded inbox starts with: a conversation whose latest message is inbound and came within
 * this long of the newest message is unread since the contact's last outbound message; every other one is read
 * up to its latest. Agents answer; what waits for them is recent.
 */
const UNREAD_WINDOW_SECONDS = 2 * 86_400;

const ROWS_PER_CHUNK = 5_000;

/** Loads the data set; returns the share of distinct message texts. */
export async function loadDataset(client: pg.PoolClient, data: Dataset, progress: Progress): Promise<number> {
  await client.query("BEGIN");
  let learnt: Learnt;
  try {
    await client.query("SET LOCAL statement_timeout = 0");
    const schema = await snapshotSchema(client);
    await client.query(
      "TRUNCATE messages, contact_search, contact_trigrams, contact_signature_bits, contact_characters, contacts RESTART IDENTITY",
    );
    for (const sql of schema.drop) await client.query(sql);
    await client.query("ALTER TABLE messages DISABLE TRIGGER USER");
    await client.query("ALTER TABLE contacts DISABLE TRIGGER USER");

    const total = data.plan.contactId.length;
    learnt = {
      summaries: createContactSummaries(data.names.length),
      lastMessage: new Int32Array(data.names.length + 1),
      lastOutbound: new Int32Array(data.names.length + 1),
      inboundSince: new Int32Array(data.names.length + 1),
      distinct: createDistinctCounter(total),
    };
    const time = timestampFormatter(data.plan.epochSeconds);
    await progress.rows("messages", total, (tick) =>
      copyRows(client, messagesCopy, messageRows(data, learnt, time, tick)),
    );
    await progress.rows("contacts", data.names.length, (tick) =>
      copyRows(client, contactsCopy, contactRows(data, learnt, time, tick)),
    );
    await client.query(FILL_CONTACT_SEARCH);
    await progress.rows("trigrams", data.names.length, (tick) =>
      copyRows(client, trigramsCopy, bloomRows(data.names.length, learnt.summaries, tick)),
    );
    await progress.rows("postings", data.names.length, (tick) =>
      copyRows(client, postingsCopy, postingRows(data, learnt.summaries, tick)),
    );
    // Few texts hold a character above ASCII; the database lists them itself (lower() decides what they are).
    await progress.task("characters", () => client.query("SELECT fill_contact_characters()"));
    await progress.steps("indexes", schema.rebuild, (step) => client.query(step.sql));
    await client.query("ALTER TABLE messages ENABLE TRIGGER USER");
    await client.query("ALTER TABLE contacts ENABLE TRIGGER USER");
    await client.query(RESET_IDENTITIES);
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  }
  // Outside the transaction: statistics for the planner, and the visibility map that index-only scans of the
  // conversation order rely on.
  await progress.steps("analyze", [{ name: "vacuum analyze" }], () =>
    client.query(
      "VACUUM (ANALYZE) contacts, messages, contact_search, contact_trigrams, contact_signature_bits, contact_characters",
    ),
  );
  return learnt.distinct.share();
}

const messagesCopy = `COPY messages (id, contact_id, content, direction, "timestamp") FROM STDIN WITH (FREEZE)`;
const contactsCopy = `COPY contacts (id, name, phone_number, content_signature, last_message_id, last_message_at,
  read_up_to_id, read_up_to_at, unread_count) FROM STDIN WITH (FREEZE)`;
const trigramsCopy = "COPY contact_trigrams (contact_id, bloom) FROM STDIN WITH (FREEZE)";
const postingsCopy = "COPY contact_signature_bits (contact_id, bits) FROM STDIN WITH (FREEZE)";

/** What the contacts trigger keeps (migration 006), for all contacts at once. */
const FILL_CONTACT_SEARCH = `
  INSERT INTO contact_search (contact_id, name, phone_digits) SELECT id, name, phone_digits FROM contacts`;

/** Explicit ids were loaded: the identity sequences continue after them. */
const RESET_IDENTITIES = `
  SELECT setval(pg_get_serial_sequence('contacts', 'id'), coalesce((SELECT max(id) FROM contacts), 0) + 1, false),
         setval(pg_get_serial_sequence('messages', 'id'), coalesce((SELECT max(id) FROM messages), 0) + 1, false)`;

async function copyRows(client: pg.PoolClient, sql: string, chunks: Iterable<string>): Promise<void> {
  await pipeline(Readable.from(chunks), client.query(copyFrom(sql)));
}

/** COPY text in chunks of ROWS_PER_CHUNK rows, ticking the progress bar per chunk. */
function* chunked(total: number, row: (i: number) => string, tick: (n: number) => void): Iterable<string> {
  let chunk = "";
  for (let i = 0; i < total; i++) {
    chunk += row(i);
    if ((i + 1) % ROWS_PER_CHUNK === 0) {
      yield chunk;
      chunk = "";
      tick(ROWS_PER_CHUNK);
    }
  }
  yield chunk;
  tick(total % ROWS_PER_CHUNK);
}

function messageRows(data: Dataset, learnt: Learnt, time: TimeFormatter, tick: (n: number) => void) {
  const { plan, texts } = data;
  return chunked(
    plan.contactId.length,
    (i) => {
      const contactId = plan.contactId[i] as number;
      const text = texts.text(i, plan.lineIndex[i] as number);
      learnt.summaries.add(contactId, text);
      learnt.distinct.add(text);
      learnt.lastMessage[contactId] = i + 1;
      if (plan.outbound[i]) {
        learnt.lastOutbound[contactId] = i + 1;
        learnt.inboundSince[contactId] = 0;
      } else {
        learnt.inboundSince[contactId] = (learnt.inboundSince[contactId] as number) + 1;
      }
      const direction = plan.outbound[i] ? "outbound" : "inbound";
      return `${i + 1}\t${contactId}\t${escapeCopyText(text)}\t${direction}\t${time(plan.offsetSeconds[i] as number)}\n`;
    },
    tick,
  );
}

function contactRows(data: Dataset, learnt: Learnt, time: TimeFormatter, tick: (n: number) => void) {
  const { offsetSeconds, outbound } = data.plan;
  const unreadFrom = (offsetSeconds[offsetSeconds.length - 1] ?? 0) - UNREAD_WINDOW_SECONDS;
  const position = (message: number) =>
    message === 0 ? "\\N\t\\N" : `${message}\t${time(offsetSeconds[message - 1] as number)}`;
  return chunked(
    data.names.length,
    (i) => {
      const id = i + 1;
      const last = learnt.lastMessage[id] as number;
      const waiting = !outbound[last - 1] && (offsetSeconds[last - 1] as number) >= unreadFrom;
      const marker = waiting ? position(learnt.lastOutbound[id] as number) : position(last);
      const unread = waiting ? (learnt.inboundSince[id] as number) : 0;
      const name = escapeCopyText(data.names[i] as string);
      const phone = escapeCopyText(data.phones[i] as string);
      return `${id}\t${name}\t${phone}\t${learnt.summaries.signatureText(id)}\t${position(last)}\t${marker}\t${unread}\n`;
    },
    tick,
  );
}

function bloomRows(contacts: number, summaries: ContactSummaries, tick: (n: number) => void) {
  return chunked(contacts, (i) => `${i + 1}\t${summaries.bloomText(i + 1)}\n`, tick);
}

/** Each contact's signature bits with its name's and number's, as the triggers of migration 016 post them. */
function postingRows(data: Dataset, summaries: ContactSummaries, tick: (n: number) => void) {
  return chunked(
    data.names.length,
    (i) => {
      const digits = (data.phones[i] as string).replace(/[^0-9]/g, "");
      return `${i + 1}\t${summaries.signaturePositions(i + 1, data.names[i] as string, digits)}\n`;
    },
    tick,
  );
}

type TimeFormatter = (offsetSeconds: number) => string;

/** `YYYY-MM-DD HH:MM:SS+00` from memoised day and time-of-day strings: millions of rows, no Date objects. */
function timestampFormatter(epochSeconds: number): TimeFormatter {
  const days = new Map<number, string>();
  const clock: string[] = [];
  const pad = (n: number) => String(n).padStart(2, "0");
  for (let s = 0; s < 86_400; s++)
    clock.push(`${pad(Math.floor(s / 3600))}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}`);
  return (offset) => {
    const absolute = epochSeconds + offset;
    const day = Math.floor(absolute / 86_400);
    let date = days.get(day);
    if (date === undefined) {
      date = new Date(day * 86_400_000).toISOString().slice(0, 10);
      days.set(day, date);
    }
    return `${date} ${clock[absolute - day * 86_400]}+00`;
  };
}
