import type { Pool } from "../db/pool.ts";

/**
 * Recomputations, the slow way, of what the triggers and the seed keep: each count is of contacts whose kept
 * state differs from it, and is zero after any mix of writes, faults and restarts. `contacts` limits a check to
 * those contacts (a sample, on a large data set); without it every contact is checked (test-sized data).
 */
export type ContactFilter = { contacts?: number[] };

/**
 * Contacts whose last-message pointer differs from their true latest message, or whose unread count (019)
 * differs from the inbound messages past their read marker (no trigger, no pointer used).
 */
export async function countWrongPointers(pool: Pool, { contacts }: ContactFilter = {}): Promise<number> {
  const { rows } = await pool.query<{ wrong: number }>(
    `SELECT count(*)::int AS wrong
       FROM contacts c
       LEFT JOIN LATERAL (SELECT m.id, m."timestamp" FROM messages m WHERE m.contact_id = c.id
                           ORDER BY m."timestamp" DESC, m.id DESC LIMIT 1) l ON true
       CROSS JOIN LATERAL (SELECT count(*)::int AS n FROM messages m
                            WHERE m.contact_id = c.id
                              AND is_unread(m.direction, m."timestamp", m.id, c.read_up_to_at, c.read_up_to_id)) u
      WHERE ($1::bigint[] IS NULL OR c.id = ANY ($1))
        AND ((c.last_message_id, c.last_message_at) IS DISTINCT FROM (l.id, l."timestamp")
             OR c.unread_count <> u.n)`,
    [contacts ?? null],
  );
  return rows[0]?.wrong ?? 0;
}

/**
 * Contacts whose search structures could make a search wrong: a content signature (005) or trigram bloom (011)
 * lacking a bit of one of their messages (a search could skip a contact that matches), a signature marked exact
 * (013) with a bit none of their messages has (a search could count a contact that does not match), posting
 * lists (016) lacking a bit of the signature, name or number, or character posting lists (017, 018) lacking
 * a posted character of a message or the name (a posting plan would miss the contact), or a contact_search row (006)
 * that is not the contact's name and number (the index plan would miss it).
 * Computes both summaries of every message checked, in PL/pgSQL: ~70 µs a message.
 */
export async function countWrongSummaries(pool: Pool, { contacts }: ContactFilter = {}): Promise<number> {
  const { rows } = await pool.query<{ wrong: number }>(
    `SELECT count(*)::int AS wrong
       FROM contacts c
       CROSS JOIN LATERAL (SELECT count(*) AS n, bit_or(s.signature) AS signature, bit_or(s.bloom) AS bloom
                             FROM messages m, text_summary(m.content) s
                            WHERE m.contact_id = c.id) m
       LEFT JOIN contact_trigrams t ON t.contact_id = c.id
       LEFT JOIN contact_search cs ON cs.contact_id = c.id
       CROSS JOIN LATERAL (SELECT array_agg(b) AS bits
                             FROM contact_signature_bits p, unnest(p.bits) b
                            WHERE p.contact_id = c.id) p
       CROSS JOIN LATERAL (SELECT coalesce(array_agg(w), '{}') AS posted
                             FROM messages m, unnest(text_posted_characters(m.content_folded)) w
                            WHERE m.contact_id = c.id) mw
       CROSS JOIN LATERAL (SELECT coalesce(array_agg(w), '{}') AS posted
                             FROM contact_characters q, unnest(q.characters) w
                            WHERE q.contact_id = c.id) q
      WHERE ($1::bigint[] IS NULL OR c.id = ANY ($1))
        AND (NOT signature_bit_positions(c.content_signature | contact_text_signature(c.name, c.phone_digits))
                 <@ coalesce(p.bits, '{}')
             OR NOT (mw.posted || text_posted_characters(c.name_folded)) <@ q.posted
             OR (cs.name, cs.phone_digits) IS DISTINCT FROM (c.name, c.phone_digits)
             OR (m.n > 0
                 AND (m.signature & ~c.content_signature <> B'0'::bit(1406)
                      OR t.bloom IS NULL
                      OR m.bloom & ~t.bloom <> B'0'::bit(8192)))
             OR (c.signature_exact AND c.content_signature <> coalesce(m.signature, B'0'::bit(1406))))`,
    [contacts ?? null],
  );
  return rows[0]?.wrong ?? 0;
}

/**
 * Contacts to check on a large data set: the `newest` most recent conversations (where an ingest run wrote)
 * and about `uniform` drawn from all contacts.
 */
export async function sampleContacts(pool: Pool, newest: number, uniform: number): Promise<number[]> {
  const { rows } = await pool.query<{ id: string }>(
    `(SELECT id FROM contacts WHERE last_message_id IS NOT NULL ORDER BY last_message_at DESC, id DESC LIMIT $1)
     UNION
     (SELECT id FROM contacts
       TABLESAMPLE BERNOULLI (least(100, 100 * $2::float8 / greatest(1, (SELECT reltuples FROM pg_class
                                                                         WHERE oid = 'contacts'::regclass)))))`,
    [newest, uniform],
  );
  return rows.map((r) => Number(r.id));
}

/** How many contacts a sampled check reads: the newest conversations, and about this many others at random. */
export type CheckSize = { newest: number; uniform: number };
export const DEFAULT_CHECK: CheckSize = { newest: 200, uniform: 800 };

export type SampleCheck = CheckSize & {
  checked: number;
  wrongPointers: number;
  wrongSummaries: number;
  seconds: number;
};

/** Both checks on a sample of contacts (sampleContacts): what the seed and the benchmark's ingest end with. */
export async function checkSample(pool: Pool, size: CheckSize = DEFAULT_CHECK): Promise<SampleCheck> {
  const started = performance.now();
  const contacts = await sampleContacts(pool, size.newest, size.uniform);
  return {
    ...size,
    checked: contacts.length,
    wrongPointers: await countWrongPointers(pool, { contacts }),
    wrongSummaries: await countWrongSummaries(pool, { contacts }),
    seconds: (performance.now() - started) / 1000,
  };
}

export const checkPassed = (check: SampleCheck) => check.wrongPointers + check.wrongSummaries === 0;

/** One line for a person: what was checked and what differed. */
export function describeCheck(check: SampleCheck): string {
  const outcome = checkPassed(check)
    ? "all equal"
    : `${check.wrongPointers} wrong pointers or unread counts, ${check.wrongSummaries} wrong search structures`;
  return (
    `integrity: ${check.checked.toLocaleString("en-US")} contacts (the ${check.newest} newest conversations and ` +
    `a random sample) against a recomputation, ${check.seconds.toFixed(1)} s: ${outcome}`
  );
}
