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
 * Contacts whose content signature lacks a bit of one of their messages' signatures: a search could then skip a
 * contact that matches. Zero after any mix of writes (a signature may hold more bits than its messages, after
 * deletes, never fewer). Computes every message's signature: for test-sized data.
 */
export async function countUncoveredSignatures(pool: Pool): Promise<number> {
  const { rows } = await pool.query<{ uncovered: number }>(`
    SELECT count(*)::int AS uncovered
      FROM contacts c
      JOIN (SELECT contact_id, bit_or(text_signature(content)) AS signature FROM messages GROUP BY contact_id) m
        ON m.contact_id = c.id
     WHERE m.signature & ~c.content_signature <> B'0'::bit(1406)`);
  return rows[0]?.uncovered ?? 0;
}
