import { createCursorCodec } from "../src/conversations/cursor.ts";
import { MAX_PAGE } from "../src/conversations/schemas.ts";
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
  // Past MAX_PAGE the API takes only a cursor: the deepest numbered page, then the last page by its cursor.
  const deepestPage = Math.min(lastPage, MAX_PAGE);
  const cursorAt = async (offset: number) =>
    `/conversations?cursor=${await cursorBefore(pool, cursorSecret, offset)}`;
  const scenarios: Scenario[] = [
    { group: "list", name: "page 1", path: "/conversations" },
    { group: "list", name: "page 100", path: "/conversations?page=100" },
    {
      group: "list",
      name: deepestPage === lastPage ? `last page (${lastPage})` : `page ${deepestPage}`,
      path: `/conversations?page=${deepestPage}`,
    },
    {
      group: "list",
      name: "cursor at depth",
      path: await cursorAt(Math.min(50 * 999, Math.floor(conversations / 2))),
    },
    { group: "list", name: "unread page 1", path: "/conversations?unread=true" },
    { group: "list", name: "unread page 10", path: "/conversations?unread=true&page=10" },
  ];
  if (deepestPage < lastPage) {
    scenarios.push({
      group: "list",
      name: `last page (${lastPage}) by cursor`,
      path: await cursorAt(50 * (lastPage - 1) - 1),
    });
  }
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

/** A cursor signed as the server signs it, continuing right after the conversation at `offset` (from 0). */
async function cursorBefore(pool: Pool, secret: string, offset: number): Promise<string> {
  const { rows } = await pool.query<{ at: string; id: number }>(
    `SELECT to_char(last_message_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at, id
       FROM contacts WHERE last_message_id IS NOT NULL
      ORDER BY last_message_at DESC, id DESC OFFSET $1 LIMIT 1`,
    [Math.max(0, offset)],
  );
  const position = rows[0] ?? { at: "2000-01-01T00:00:00.000000Z", id: 1 };
  return encodeURIComponent(createCursorCodec(secret).encode(position, ""));
}
