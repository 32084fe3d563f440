import type { Position } from "../conversations/cursor.ts";
import type { Pool } from "../db/pool.ts";
import { notFound } from "../http/errors.ts";

export type Message = {
  message_id: number;
  contact_id: number;
  content: string;
  direction: string;
  timestamp: string;
};

const FIELDS = `id AS message_id, contact_id, content, direction,
  to_char("timestamp" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "timestamp"`;

export function createMessageQueries(pool: Pool) {
  return {
    /**
     * One INSERT: the trigger moves the contact's last-message pointer in the same transaction, so the
     * conversation list is exact the moment this returns. An unknown contact fails the foreign key.
     */
    async add(contactId: number, content: string, direction: string, timestamp: string | undefined) {
      try {
        // Named: parsed once per connection, not once per message (the ingest hot path).
        const { rows } = await pool.query<Message>({
          name: "message-insert",
          text: `INSERT INTO messages (contact_id, content, direction, "timestamp")
                 VALUES ($1, $2, $3, coalesce($4::timestamptz, now()))
                 RETURNING ${FIELDS}`,
          values: [contactId, content, direction, timestamp ?? null],
        });
        return rows[0] as Message;
      } catch (error) {
        if ((error as { code?: string }).code === "23503") throw notFound("contact");
        throw error;
      }
    },

    /** The trigger points the contact at its previous message, or at none. */
    async remove(messageId: number): Promise<void> {
      const { rowCount } = await pool.query("DELETE FROM messages WHERE id = $1", [messageId]);
      if (rowCount === 0) throw notFound("message");
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
      if (rows.length === 0 && !(await contactExists(pool, contactId))) throw notFound("contact");
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
