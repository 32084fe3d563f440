import type { Pool } from "../src/db/pool.ts";

/**
 * The reference system's queries, run directly in SQL on the same data: a request-time DISTINCT ON over
 * every message, then a sort (its conversation list), and the same with ILIKE on every message (its search).
 */
const NAIVE_LIST = `
  SELECT * FROM (
    SELECT DISTINCT ON (m.contact_id) m.id, m.content, m."timestamp", m.contact_id, c.name, c.phone_number
      FROM messages m JOIN contacts c ON c.id = m.contact_id
     ORDER BY m.contact_id, m."timestamp" DESC) latest
   ORDER BY "timestamp" DESC
   LIMIT 50 OFFSET 0`;

const NAIVE_SEARCH = `
  SELECT * FROM (
    SELECT DISTINCT ON (m.contact_id) m.id, m.content, m."timestamp", m.contact_id, c.name, c.phone_number
      FROM messages m JOIN contacts c ON c.id = m.contact_id
     WHERE m.content ILIKE '%hello%' OR c.name ILIKE '%hello%' OR c.phone_number ILIKE '%hello%'
     ORDER BY m.contact_id, m."timestamp" DESC) latest
   ORDER BY "timestamp" DESC
   LIMIT 50 OFFSET 0`;

export type Baseline = { listMs: number; searchMs: number; runs: number };

export async function measureBaseline(pool: Pool, runs: number): Promise<Baseline> {
  console.log(`baseline: the naive queries, ${runs} run(s) each…`);
  return {
    listMs: await medianMs(pool, NAIVE_LIST, runs),
    searchMs: await medianMs(pool, NAIVE_SEARCH, runs),
    runs,
  };
}

async function medianMs(pool: Pool, sql: string, runs: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await pool.query(sql);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] as number;
}
