import type { Pool } from "../db/pool.ts";
import { conflict, notFound } from "../http/errors.ts";

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
      if (!rows[0]) throw notFound("contact");
      return rows[0];
    } catch (error) {
      const e = error as { code?: string; constraint?: string };
      if (e.code === "23505" && e.constraint === PHONE_UNIQUE) {
        throw conflict("phone_number: a contact with this phone number already exists");
      }
      throw error;
    }
  };
  return {
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
