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
 * Contacts whose content signature (005) or trigram bloom (011) lacks a bit of one of their messages': a search
 * could then skip a contact that matches. Zero after any mix of writes (either may hold more bits than the
 * messages, after deletes, never fewer). Computes both for every message: for test-sized data.
 */
export async function countUncoveredSummaries(pool: Pool): Promise<number> {
  const { rows } = await pool.query<{ uncovered: number }>(`
    SELECT count(*)::int AS uncovered
      FROM (SELECT m.contact_id, bit_or(s.signature) AS signature, bit_or(s.bloom) AS bloom
              FROM messages m, text_summary(m.content) s
             GROUP BY m.contact_id) m
      JOIN contacts c ON c.id = m.contact_id
      LEFT JOIN contact_trigrams t ON t.contact_id = m.contact_id
     WHERE m.signature & ~c.content_signature <> B'0'::bit(1406)
        OR t.bloom IS NULL
        OR m.bloom & ~t.bloom <> B'0'::bit(8192)`);
  return rows[0]?.uncovered ?? 0;
}
