import { createCursorCodec } from "../src/conversations/cursor.ts";
import type { Pool } from "../src/db/pool.ts";

export type Scenario = { name: string; group: string; path: string };

/**
 * Search terms by class (docs/search.md). The name and phone terms are drawn from the data, so they
 * match whatever was seeded; the others are fixed words of the chat corpus.
 */
const FIXED_TERMS: Array<[string, string]> = [
  ["very common word", "the"],
  ["common word", "movie"],
  ["less common word", "basketball"],
  ["rare word", "tarantino"],
  ["no match", "qzxvjk"],
  ["1 character", "q"],
  ["2 characters", "zz"],
  ["2 characters, no match", "qj"],
];

export async function buildScenarios(pool: Pool, cursorSecret: string): Promise<Scenario[]> {
  const conversations = await count(pool);
  const lastPage = Math.max(1, Math.ceil(conversations / 50));
  const scenarios: Scenario[] = [
    { group: "list", name: "page 1", path: "/conversations" },
    { group: "list", name: "page 100", path: "/conversations?page=100" },
    { group: "list", name: `last page (${lastPage})`, path: `/conversations?page=${lastPage}` },
    {
      group: "list",
      name: "cursor at depth",
      path: `/conversations?cursor=${await deepCursor(pool, cursorSecret, conversations)}`,
    },
  ];
  const sample = await pool.query<{ name: string; phone: string }>(
    "SELECT name, phone_digits AS phone FROM contacts ORDER BY id LIMIT 1 OFFSET (SELECT count(*) / 2 FROM contacts)",
  );
  const { name = "smith", phone = "5551234" } = sample.rows[0] ?? {};
  const lastName =
    name
      .split(" ")
      .filter((part) => part.length >= 4)
      .pop() ?? name;
  const terms: Array<[string, string]> = [
    ...FIXED_TERMS,
    ["name fragment", lastName.slice(0, 5).toLowerCase()],
    ["phone digits", phone.slice(-7, -3)],
  ];
  for (const [group, term] of terms) {
    for (const page of [1, 5, 10]) {
      scenarios.push({
        group: `search: ${group}`,
        name: `"${term}" page ${page}`,
        path: `/conversations?searchValue=${encodeURIComponent(term)}&page=${page}`,
      });
    }
  }
  return scenarios;
}

async function count(pool: Pool): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM contacts WHERE last_message_id IS NOT NULL",
  );
  return rows[0]?.n ?? 0;
}

/** A cursor for the 1,000th page (or the middle of a smaller data set), signed as the server signs it. */
async function deepCursor(pool: Pool, secret: string, conversations: number): Promise<string> {
  const offset = Math.min(50 * 999, Math.floor(conversations / 2));
  const { rows } = await pool.query<{ at: string; id: number }>(
    `SELECT to_char(last_message_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at, id
       FROM contacts WHERE last_message_id IS NOT NULL
      ORDER BY last_message_at DESC, id DESC OFFSET $1 LIMIT 1`,
    [offset],
  );
  const position = rows[0] ?? { at: "2000-01-01T00:00:00.000000Z", id: 1 };
  return encodeURIComponent(createCursorCodec(secret).encode(position, ""));
}
