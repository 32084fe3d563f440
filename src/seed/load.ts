import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { escapeCopyText } from "./corpus.ts";
import type { MessagePlan } from "./plan.ts";
import type { Progress } from "./progress.ts";
import { snapshotSchema } from "./schema-snapshot.ts";
import { type ContactSignatures, contactSignatures } from "./signatures.ts";

/**
 * The bulk load, in one transaction: either the whole data set lands with every index, or nothing changed.
 * A run that is interrupted (Ctrl-C, crash, kill) rolls back, and the next run starts from a clean slate.
 *
 * Why it is fast: TRUNCATE in the same transaction lets COPY skip WAL (wal_level=minimal) and write frozen,
 * all-visible pages (FREEZE); indexes and constraints are dropped first and rebuilt once at the end; the
 * last-message pointers are filled with one set-based UPDATE; content signatures and trigram blooms are
 * computed per corpus line, not per message (signatures.ts, FILL_CONTACT_TRIGRAMS).
 */

export type Dataset = {
  names: string[];
  phones: string[];
  lines: string[];
  plan: MessagePlan;
};

const ROWS_PER_CHUNK = 5_000;

export async function loadDataset(client: pg.PoolClient, data: Dataset, progress: Progress): Promise<void> {
  await client.query("BEGIN");
  try {
    await client.query("SET LOCAL statement_timeout = 0");
    const schema = await snapshotSchema(client);
    await client.query("TRUNCATE messages, contact_search, contact_trigrams, contacts RESTART IDENTITY");
    for (const sql of schema.drop) await client.query(sql);
    await client.query("ALTER TABLE messages DISABLE TRIGGER USER");
    await client.query("ALTER TABLE contacts DISABLE TRIGGER USER");

    const signatures = await progress.task("signatures", () =>
      contactSignatures(client, data.lines, data.plan, data.names.length),
    );
    await progress.rows("contacts", data.names.length, (tick) =>
      copyRows(client, contactsCopy, contactRows(data, signatures, tick)),
    );
    await client.query(FILL_CONTACT_SEARCH);
    await progress.rows("messages", data.plan.contactId.length, (tick) =>
      copyRows(client, messagesCopy, messageRows(data, tick)),
    );
    await progress.steps("trigrams", [{ name: "trigram bloom per contact" }], () =>
      client.query(FILL_CONTACT_TRIGRAMS),
    );
    await progress.steps("indexes", schema.rebuild, (step) => client.query(step.sql));
    await progress.steps("pointers", [{ name: "last message per contact" }], () =>
      client.query(FILL_LAST_MESSAGE),
    );
    await client.query("ALTER TABLE messages ENABLE TRIGGER USER");
    await client.query("ALTER TABLE contacts ENABLE TRIGGER USER");
    await client.query(RESET_IDENTITIES);
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  }
  // Outside the transaction: the UPDATE above left dead contact versions; VACUUM also sets the visibility
  // map that index-only scans of the conversation order rely on.
  await progress.steps("analyze", [{ name: "vacuum analyze" }], () =>
    client.query("VACUUM (ANALYZE) contacts, messages, contact_search"),
  );
}

const contactsCopy = "COPY contacts (id, name, phone_number, content_signature) FROM STDIN WITH (FREEZE)";
const messagesCopy = `COPY messages (id, contact_id, content, direction, "timestamp") FROM STDIN WITH (FREEZE)`;

/** What the contacts trigger keeps (migration 006), for all contacts at once. */
const FILL_CONTACT_SEARCH = `
  INSERT INTO contact_search (contact_id, name, phone_digits) SELECT id, name, phone_digits FROM contacts`;

/**
 * What the messages trigger keeps (migration 011), for all contacts at once: each corpus line's bloom is
 * computed once (signatures.ts loaded the lines into seed_lines) and joined to the messages by their text,
 * instead of computing 5M blooms: ~40 s at 5M on this machine's 2 cores, where migration 011's pass over every
 * message takes ~6 minutes.
 */
const FILL_CONTACT_TRIGRAMS = `
  INSERT INTO contact_trigrams (contact_id, bloom)
  SELECT m.contact_id, bit_or(l.bloom)
    FROM messages m
    JOIN (SELECT DISTINCT content, text_trigram_bloom(content) AS bloom FROM seed_lines) l USING (content)
   GROUP BY m.contact_id`;

/** One UPDATE for all contacts: each one's latest message, read in order from the timeline index. */
const FILL_LAST_MESSAGE = `
  UPDATE contacts c
     SET last_message_id = l.id, last_message_at = l."timestamp"
    FROM (SELECT DISTINCT ON (contact_id) contact_id, id, "timestamp"
            FROM messages
           ORDER BY contact_id, "timestamp" DESC, id DESC) l
   WHERE c.id = l.contact_id`;

/** Explicit ids were loaded: the identity sequences continue after them. */
const RESET_IDENTITIES = `
  SELECT setval(pg_get_serial_sequence('contacts', 'id'), coalesce((SELECT max(id) FROM contacts), 0) + 1, false),
         setval(pg_get_serial_sequence('messages', 'id'), coalesce((SELECT max(id) FROM messages), 0) + 1, false)`;

async function copyRows(client: pg.PoolClient, sql: string, chunks: Iterable<string>): Promise<void> {
  await pipeline(Readable.from(chunks), client.query(copyFrom(sql)));
}

function* contactRows(
  data: Dataset,
  signatures: ContactSignatures,
  tick: (n: number) => void,
): Iterable<string> {
  let chunk = "";
  for (let i = 0; i < data.names.length; i++) {
    const name = escapeCopyText(data.names[i] as string);
    chunk += `${i + 1}\t${name}\t${escapeCopyText(data.phones[i] as string)}\t${signatures.text(i + 1)}\n`;
    if ((i + 1) % ROWS_PER_CHUNK === 0) {
      yield chunk;
      chunk = "";
      tick(ROWS_PER_CHUNK);
    }
  }
  yield chunk;
  tick(data.names.length % ROWS_PER_CHUNK);
}

function* messageRows(data: Dataset, tick: (n: number) => void): Iterable<string> {
  const { plan } = data;
  const lines = data.lines.map(escapeCopyText);
  const formatTime = timestampFormatter(plan.epochSeconds);
  const total = plan.contactId.length;
  let chunk = "";
  for (let i = 0; i < total; i++) {
    const direction = plan.outbound[i] ? "outbound" : "inbound";
    const time = formatTime(plan.offsetSeconds[i] as number);
    chunk += `${i + 1}\t${plan.contactId[i]}\t${lines[plan.lineIndex[i] as number]}\t${direction}\t${time}\n`;
    if ((i + 1) % ROWS_PER_CHUNK === 0) {
      yield chunk;
      chunk = "";
      tick(ROWS_PER_CHUNK);
    }
  }
  yield chunk;
  tick(total % ROWS_PER_CHUNK);
}

/** `YYYY-MM-DD HH:MM:SS+00` from memoised day and time-of-day strings: millions of rows, no Date objects. */
function timestampFormatter(epochSeconds: number): (offset: number) => string {
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
