import type { Pool } from "../../src/db/pool.ts";

/**
 * The slow, obvious answer: every contact and message in memory, conversations and searches computed in
 * plain JavaScript, to compare the optimised queries against.
 */
/** `micros`: the timestamp in microseconds since the epoch, the database's own precision. */
type Message = { id: number; contact_id: number; content: string; direction: string; micros: number };
/** `read_id`, `read_micros`: the read marker (null: nothing read), the position the unread count starts after. */
type Contact = {
  id: number;
  name: string;
  phone_number: string;
  read_id: number | null;
  read_micros: number | null;
};

export type Expected = {
  message_id: number;
  content: string;
  timestamp: string;
  direction: string;
  contact_id: number;
  name: string;
  phone_number: string;
  unread_count: number;
  match?: { message_id: number; content: string; timestamp: string };
};

const newer = (a: Message, b: Message) => a.micros - b.micros || a.id - b.id;
const iso = (m: Message) => new Date(Math.floor(m.micros / 1000)).toISOString();

export async function loadOracle(pool: Pool) {
  const contacts = (
    await pool.query<Contact>(
      `SELECT id, name, phone_number, read_up_to_id AS read_id,
              (extract(epoch FROM read_up_to_at) * 1000000)::float8 AS read_micros
         FROM contacts`,
    )
  ).rows;
  const messages = (
    await pool.query<Message>(
      `SELECT id, contact_id, content, direction, (extract(epoch FROM "timestamp") * 1000000)::float8 AS micros
         FROM messages`,
    )
  ).rows;
  const byContact = new Map<number, Message[]>();
  for (const m of messages) byContact.set(m.contact_id, [...(byContact.get(m.contact_id) ?? []), m]);
  for (const list of byContact.values()) list.sort((a, b) => newer(b, a));

  const conversations = contacts
    .filter((c) => byContact.has(c.id))
    .map((c) => ({ contact: c, last: (byContact.get(c.id) as Message[])[0] as Message }))
    .sort((a, b) => newer(b.last, a.last) || b.contact.id - a.contact.id);

  const unread = (c: Contact) =>
    (byContact.get(c.id) ?? []).filter(
      (m) =>
        m.direction === "inbound" &&
        (c.read_id === null ||
          m.micros > (c.read_micros as number) ||
          (m.micros === c.read_micros && m.id > c.read_id)),
    ).length;
  const render = (c: Contact, last: Message, hit?: Message): Expected => ({
    message_id: last.id,
    content: last.content,
    timestamp: iso(last),
    direction: last.direction,
    contact_id: c.id,
    name: c.name,
    phone_number: c.phone_number,
    unread_count: unread(c),
    ...(hit ? { match: { message_id: hit.id, content: hit.content, timestamp: iso(hit) } } : {}),
  });

  return {
    messages,
    contacts,
    /** Every conversation, or those matching `term`, in order. */
    expected(term?: string): Expected[] {
      const t = term?.trim().toLowerCase() ?? "";
      if (t === "") return conversations.map(({ contact, last }) => render(contact, last));
      const digits = /^[\d\s+().-]+$/.test(t) ? t.replace(/\D/g, "") : "";
      return conversations.flatMap(({ contact, last }) => {
        const hit = (byContact.get(contact.id) as Message[]).find((m) => m.content.toLowerCase().includes(t));
        const named = contact.name.toLowerCase().includes(t);
        const dialled = digits !== "" && contact.phone_number.replace(/\D/g, "").includes(digits);
        return hit || named || dialled ? [render(contact, last, hit)] : [];
      });
    },
  };
}
