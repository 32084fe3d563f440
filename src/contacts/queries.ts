import { sqlstate } from "../db/errors.ts";
import type { Pool } from "../db/pool.ts";
import { ConflictError, InvalidInputError, NotFoundError } from "../errors.ts";

export type ReadMarker = { contact_id: number; read_up_to_message_id: number | null; unread_count: number };

export type Contact = {
  id: number;
  name: string;
  phone_number: string;
  last_message: { message_id: number; content: string; timestamp: string; direction: string } | null;
};

/** The contact's latest message as JSON, from `m` joined on the contact's pointer. */
const LAST_MESSAGE = `
  CASE WHEN m.id IS NULL THEN NULL ELSE json_build_object(
    'message_id', m.id, 'content', m.content, 'direction', m.direction,
    'timestamp', iso_millis(m."timestamp")) END AS last_message`;

/** The unique index that makes two spellings of one number one contact. */
const PHONE_UNIQUE = "contacts_phone_digits_key";

export function createContactQueries(pool: Pool) {
  const one = async (sql: string, values: unknown[]): Promise<Contact> => {
    try {
      const { rows } = await pool.query<Contact>(sql, values);
      if (!rows[0]) throw new NotFoundError("contact");
      return rows[0];
    } catch (error) {
      const e = error as { code?: string; constraint?: string };
      if (e.code === "23505" && e.constraint === PHONE_UNIQUE) {
        throw new ConflictError("phone_number: a contact with this phone number already exists");
      }
      throw error;
    }
  };
  return {
    /** Moves the read marker and recounts the unread messages past it, exactly (mark_read, migration 019). */
    async markRead(id: number, upTo: number | undefined): Promise<ReadMarker> {
      try {
        const { rows } = await pool.query<{ unread_count: number; read_up_to_id: number | null }>(
          "SELECT unread_count, read_up_to_id FROM mark_read($1, $2)",
          [id, upTo ?? null],
        );
        if (!rows[0]) throw new NotFoundError("contact");
        return {
          contact_id: id,
          read_up_to_message_id: rows[0].read_up_to_id,
          unread_count: rows[0].unread_count,
        };
      } catch (error) {
        if (sqlstate(error) === "23503" && (error as { column?: string }).column === "message_id") {
          throw new InvalidInputError("message_id", `is not a message of contact ${id}`);
        }
        throw error;
      }
    },
    get: (id: number) =>
      one(
        `SELECT c.id, c.name, c.phone_number, ${LAST_MESSAGE}
             FROM contacts c LEFT JOIN messages m ON m.id = c.last_message_id
            WHERE c.id = $1`,
        [id],
      ),
    create: (name: string, phone: string) =>
      one(
        `INSERT INTO contacts (name, phone_number) VALUES ($1, $2)
           RETURNING id, name, phone_number, NULL::json AS last_message`,
        [name, phone],
      ),
    /** A change is visible to search at once: search reads the contact row itself. */
    update: (id: number, name: string | undefined, phone: string | undefined) =>
      one(
        `WITH c AS (UPDATE contacts SET name = coalesce($2, name), phone_number = coalesce($3, phone_number)
                        WHERE id = $1 RETURNING id, name, phone_number, last_message_id)
           SELECT c.id, c.name, c.phone_number, ${LAST_MESSAGE}
             FROM c LEFT JOIN messages m ON m.id = c.last_message_id`,
        [id, name ?? null, phone ?? null],
      ),
  };
}

export type ContactQueries = ReturnType<typeof createContactQueries>;
