import type pg from "pg";

/**
 * The indexes and key constraints of the seeded tables, captured from the live schema so a bulk load can
 * drop them and rebuild the very same ones afterwards. Migrations stay the one place they are defined.
 */
export type SchemaSnapshot = {
  /** Primary keys and unique constraints, then plain indexes, then foreign keys: the rebuild order. */
  rebuild: Array<{ name: string; sql: string }>;
  drop: string[];
};

const TABLES = [
  "contacts",
  "messages",
  "contact_search",
  "contact_trigrams",
  "contact_signature_bits",
  "contact_characters",
];

export async function snapshotSchema(client: pg.PoolClient): Promise<SchemaSnapshot> {
  const { rows: constraints } = await client.query<{ tbl: string; name: string; type: string; def: string }>(
    `SELECT c.conrelid::regclass::text AS tbl, c.conname AS name, c.contype AS type,
            pg_get_constraintdef(c.oid) AS def
       FROM pg_constraint c
      WHERE c.conrelid = ANY ($1::regclass[]) AND c.contype IN ('p', 'u', 'f')
      ORDER BY c.contype = 'f', c.conname`,
    [TABLES],
  );
  const { rows: indexes } = await client.query<{ name: string; def: string }>(
    `SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS def
       FROM pg_index i
      WHERE i.indrelid = ANY ($1::regclass[])
        AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.contype IN ('p', 'u'))
      ORDER BY i.indexrelid::regclass::text`,
    [TABLES],
  );
  const keys = constraints.filter((c) => c.type !== "f");
  const foreign = constraints.filter((c) => c.type === "f");
  const addConstraint = (c: (typeof constraints)[number]) => ({
    name: c.name,
    sql: `ALTER TABLE ${c.tbl} ADD CONSTRAINT ${c.name} ${c.def}`,
  });
  return {
    rebuild: [
      ...keys.map(addConstraint),
      ...indexes.map((i) => ({ name: i.name, sql: i.def })),
      ...foreign.map(addConstraint),
    ],
    drop: [
      ...foreign.map((c) => `ALTER TABLE ${c.tbl} DROP CONSTRAINT ${c.name}`),
      ...indexes.map((i) => `DROP INDEX ${i.name}`),
      ...keys.map((c) => `ALTER TABLE ${c.tbl} DROP CONSTRAINT ${c.name}`),
    ],
  };
}
