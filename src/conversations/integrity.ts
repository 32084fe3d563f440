import type { Pool } from "../db/pool.ts";

/**
 * Contacts whose last-message pointer differs from their true latest message, computed the slow way from
 * messages (no trigger, no pointer involved). Zero after any mix of writes, faults and restarts: what tests
 * and the soak check. A full pass over the timeline index: seconds at 5M messages.
 */
export async function countWrongPointers(pool: Pool): Promise<number> {
  const { rows } = await pool.query<{ wrong: number }>(`
    SELECT count(*)::int AS wrong
      FROM contacts c
      LEFT JOIN LATERAL (SELECT m.id, m."timestamp" FROM messages m WHERE m.contact_id = c.id
                          ORDER BY m."timestamp" DESC, m.id DESC LIMIT 1) l ON true
     WHERE (c.last_message_id, c.last_message_at) IS DISTINCT FROM (l.id, l."timestamp")`);
  return rows[0]?.wrong ?? 0;
}

/**
 * Contacts whose summaries could make a search wrong: a content signature (005) or trigram bloom (011) lacking a
 * bit of one of their messages (a search could skip a contact that matches), or a signature marked exact (013)
 * with a bit none of their messages has (a search could count a contact that does not match), or posting lists
 * (016) lacking a bit of the signature, name or number (the posting plan would miss the contact). Zero after
 * any mix of writes. Computes both summaries for every message: for test-sized data.
 */
export async function countWrongSummaries(pool: Pool): Promise<number> {
  const { rows } = await pool.query<{ wrong: number }>(`
    SELECT count(*)::int AS wrong
      FROM contacts c
      LEFT JOIN (SELECT m.contact_id, bit_or(s.signature) AS signature, bit_or(s.bloom) AS bloom
                   FROM messages m, text_summary(m.content) s
                  GROUP BY m.contact_id) m ON m.contact_id = c.id
      LEFT JOIN contact_trigrams t ON t.contact_id = c.id
      LEFT JOIN (SELECT p.contact_id, array_agg(b) AS bits
                   FROM contact_signature_bits p, unnest(p.bits) b
                  GROUP BY p.contact_id) p ON p.contact_id = c.id
     WHERE NOT signature_bit_positions(c.content_signature | contact_text_signature(c.name, c.phone_digits))
               <@ coalesce(p.bits, '{}')
        OR (m.contact_id IS NOT NULL
            AND (m.signature & ~c.content_signature <> B'0'::bit(1406)
                 OR t.bloom IS NULL
                 OR m.bloom & ~t.bloom <> B'0'::bit(8192)))
        OR (c.signature_exact AND c.content_signature <> coalesce(m.signature, B'0'::bit(1406)))`);
  return rows[0]?.wrong ?? 0;
}
