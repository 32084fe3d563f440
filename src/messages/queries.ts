import type { Position } from "../conversations/cursor.ts";
import { createBatcher } from "../db/batcher.ts";
import { isValueError, sqlstate } from "../db/errors.ts";
import type { Pool } from "../db/pool.ts";
import { readSqlFile } from "../db/sql-file.ts";
import { NotFoundError } from "../errors.ts";

export type Message = {
  message_id: number;
  contact_id: number;
  content: string;
  direction: string;
  timestamp: string;
};

const FIELDS = `id AS message_id, contact_id, content, direction,
  iso_millis("timestamp") AS "timestamp"`;

/** Exported for docs/plans.md (bench/explain.ts). */
export const INSERT_MESSAGES = readSqlFile(new URL("./sql/insert.sql", import.meta.url));

/** A message to insert; `timestamp` undefined means now. */
type NewMessage = { contactId: number; content: string; direction: string; timestamp?: string | undefined };

/** The most messages one statement inserts: a batch waits for no more than this many to gather. */
const MAX_BATCH = 100;

export function createMessageQueries(pool: Pool) {
  /** Each message's new row, or null when its contact does not exist. */
  const insertBatch = async (batch: NewMessage[]): Promise<(Message | null)[]> => {
    // Named: parsed once per connection, not once per batch (the ingest hot path).
    const { rows } = await pool.query<Message & { position: string }>({
      name: "message-insert",
      text: INSERT_MESSAGES,
      values: [
        batch.map((m) => m.contactId),
        batch.map((m) => m.content),
        batch.map((m) => m.direction),
        batch.map((m) => m.timestamp ?? null),
      ],
    });
    const answers: (Message | null)[] = batch.map(() => null);
    for (const { position, ...message } of rows) answers[Number(position) - 1] = message;
    return answers;
  };
  /** Each message's row, null when its contact does not exist, or the error PostgreSQL gave its value alone. */
  const insertOrSplit = async (batch: NewMessage[]): Promise<(Message | Error | null)[]> => {
    try {
      return await insertBatch(batch);
    } catch (error) {
      // A value one message brought (a contact deleted after the statement checked it, a timestamp the database
      // refuses) fails the whole batch: send each message alone, so only that one is refused.
      if (!isValueError(error)) throw error;
      if (batch.length === 1) return [sqlstate(error) === "23503" ? null : (error as Error)];
      const answers: (Message | Error | null)[] = [];
      for (const message of batch) answers.push(...(await insertOrSplit([message])));
      return answers;
    }
  };
  // Inserts hold at most half the pool: contacts, threads and searches share it and never queue behind inserts,
  // and fewer statements in flight means more messages per statement and per commit. Not fewer than two: an insert
  // waiting on a row lock (a long transaction on one contact) holds its whole batch, and with a single slot every
  // other post would queue behind it. A/B on 2 cores beside page-1 reads, 6 runs each: one slot 2,063–3,672 msg/s
  // and reads p99 9–11 ms, two 2,638–3,248 msg/s and 12–14 ms; the fault tests then showed the stall with one.
  const maxInFlight = Math.max(2, Math.floor((pool.options.max ?? 4) / 2));
  const insert = createBatcher(insertOrSplit, { maxInFlight, maxBatch: MAX_BATCH });

  return {
    /**
     * The insert trigger moves the contact's last-message pointer in the same transaction, so the
     * conversation list is exact the moment this returns. Concurrent calls share one INSERT (createBatcher).
     */
    async add(message: NewMessage): Promise<Message> {
      const row = await insert(message);
      if (!row) throw new NotFoundError("contact");
      if (row instanceof Error) throw row;
      return row;
    },

    /** The trigger points the contact at its previous message, or at none. */
    async remove(messageId: number): Promise<void> {
      const { rowCount } = await pool.query("DELETE FROM messages WHERE id = $1", [messageId]);
      if (rowCount === 0) throw new NotFoundError("message");
    },

    /**
     * A thread page, newest first, after a keyset position: a range of messages_contact_timeline
     * (contact_id, timestamp DESC, id DESC), the same cost at any depth.
     */
    async thread(contactId: number, after: Position | null, limit: number) {
      const started = performance.now();
      const { rows } = await pool.query<Message & { cursor_at: string }>(
        `SELECT ${FIELDS}, to_char("timestamp" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_at
           FROM messages
          WHERE contact_id = $1 AND ("timestamp", id) < ($2::timestamptz, $3::bigint)
          ORDER BY "timestamp" DESC, id DESC
          LIMIT $4`,
        [contactId, after?.at ?? "infinity", after?.id ?? Number.MAX_SAFE_INTEGER, limit],
      );
      if (rows.length === 0 && !(await contactExists(pool, contactId))) throw new NotFoundError("contact");
      const last = rows.at(-1);
      return {
        dbMs: performance.now() - started,
        messages: rows.map(({ cursor_at: _, ...message }) => message),
        next: rows.length === limit && last ? { at: last.cursor_at, id: last.message_id } : null,
      };
    },
  };
}

async function contactExists(pool: Pool, id: number): Promise<boolean> {
  const { rowCount } = await pool.query("SELECT 1 FROM contacts WHERE id = $1", [id]);
  return (rowCount ?? 0) > 0;
}

export type MessageQueries = ReturnType<typeof createMessageQueries>;
