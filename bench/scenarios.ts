import { createCursorCodec } from "../src/conversations/cursor.ts";
import type { Pool } from "../src/db/pool.ts";
import type { TermClass } from "./terms.ts";

export type Scenario = { name: string; group: string; path: string };

/** Search scenarios are named by their term and page, grouped by the term's class: "search: <class>". */
export const SEARCH_GROUP = "search: ";

/** The list's pages, then each drawn search term (terms.ts) at pages 1, 5 and 10. */
export async function buildScenarios(
  pool: Pool,
  cursorSecret: string,
  classes: TermClass[],
): Promise<Scenario[]> {
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
  for (const { group, terms } of classes) {
    for (const term of terms) {
      for (const page of [1, 5, 10]) {
        scenarios.push({
          group: SEARCH_GROUP + group,
          name: `"${term}" page ${page}`,
          path: `/conversations?searchValue=${encodeURIComponent(term)}&page=${page}`,
        });
      }
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
