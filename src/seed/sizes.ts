import type { Pool } from "../db/pool.ts";

export type RelationSize = { name: string; kind: "table" | "index"; bytes: number };

/** Heap and index sizes of the seeded tables, for the seed summary and the README. */
export async function readSizes(pool: Pool): Promise<RelationSize[]> {
  const { rows } = await pool.query<RelationSize>(
    `SELECT c.relname AS name, CASE c.relkind WHEN 'i' THEN 'index' ELSE 'table' END AS kind,
            pg_relation_size(c.oid) AS bytes
       FROM pg_class c
      WHERE c.oid IN (SELECT t::regclass FROM unnest(ARRAY['contacts', 'messages']) t)
         OR c.oid IN (SELECT indexrelid FROM pg_index WHERE indrelid IN ('contacts'::regclass, 'messages'::regclass))
      ORDER BY c.relkind DESC, bytes DESC`,
  );
  return rows;
}
