import { queryCancellable } from "../db/cancel.ts";
import { type Pool, runQuery } from "../db/pool.ts";
import { createSharedReads } from "../db/shared-reads.ts";
import { readSqlFile } from "../db/sql-file.ts";
import { isoMicros } from "../db/timestamps.ts";
import type { Position } from "./cursor.ts";
import { indexKeyValues } from "./index-keys.ts";
import { chooseStrategy, indexKeysFor, type Strategy, UNBOUNDED } from "./planner.ts";
import type { SampleKeeper } from "./search-sample.ts";
import type { SearchTerm } from "./search-term.ts";

/** One page of conversations, as the JSON text to send and where the next page starts. */
export type Page = {
  body: string;
  next: Position | null;
  dbMs: number;
  plan: "list" | Strategy["kind"];
};

/** `signal` aborts when the HTTP client goes away: the statement then running is cancelled. */
export type PageRequest = {
  after: Position | null;
  offset: number;
  limit: number;
  signal?: AbortSignal;
  /** Only conversations with unread messages (the list only). */
  unread?: boolean;
};

const sql = (file: string) => readSqlFile(new URL(`./sql/${file}`, import.meta.url));
const inPage = (strategy: string) => sql("page.sql").replace("{{page}}", strategy.trim());
/**
 * A strategy's SQL with each {{fragment_name}} replaced by sql/fragment-name.sql, itself expanded alike: the parts
 * several strategies share (newest-match.sql, counted-page.sql) are written once.
 */
const strategy = (file: string): string =>
  sql(file).replace(/\{\{(\w+)\}\}/g, (_, name: string) =>
    strategy(`${name.replaceAll("_", "-")}.sql`).trim(),
  );
const LIST = inPage(strategy("list.sql"));
const LIST_UNREAD = inPage(strategy("list-unread.sql"));
const SEARCH_WALK = inPage(strategy("search-walk.sql"));
const SEARCH_WALK_COUNTED = inPage(strategy("search-walk-counted.sql"));
const SEARCH_INDEX = inPage(strategy("search-index.sql"));
const SEARCH_POSTINGS = inPage(strategy("search-postings.sql"));
const SEARCH_FILTER = inPage(strategy("search-filter.sql"));
const SEARCH_CHARACTERS = inPage(strategy("search-characters.sql"));
const BY_CONTACTS = inPage(strategy("by-contacts.sql"));
const MATCHING = sql("matching.sql");

/** The full statements, for docs/plans.md (bench/explain.ts). */
export const STATEMENTS = {
  list: LIST,
  listUnread: LIST_UNREAD,
  searchWalk: SEARCH_WALK,
  searchWalkCounted: SEARCH_WALK_COUNTED,
  searchIndex: SEARCH_INDEX,
  searchPostings: SEARCH_POSTINGS,
  searchFilter: SEARCH_FILTER,
  searchCharacters: SEARCH_CHARACTERS,
};

/** Before the first conversation: the largest (timestamp, id) position. Exported for the bench's statements. */
export const START: Position = { at: "infinity", id: Number.MAX_SAFE_INTEGER };

/** page.sql's one row: the JSON body, how many conversations it holds, and the last one's position. */
type PageRow = { body: string; rows: number; last_at: string | null; last_id: number | null };

export function createConversationQueries(
  { pool, listPool }: { pool: Pool; listPool: Pool },
  sample: SampleKeeper,
) {
  // The list is a named statement on listPool: prepared once per connection, one generic plan, no planning
  // per call (which costs more than running it). Searches are planned per call: their best plan depends on
  // the term.
  const sharedList = createSharedReads(listPool);
  const run = async (text: string, values: unknown[], signal: AbortSignal | undefined) => {
    const started = performance.now();
    const { rows } = await queryCancellable<PageRow>(pool, { text, values }, signal);
    return { row: rows[0] as PageRow, ms: performance.now() - started };
  };
  const keyset = (req: PageRequest) => {
    const after = req.after ?? START;
    return [after.at, after.id, req.limit, req.offset];
  };
  const toPage = (row: PageRow, limit: number, dbMs: number, plan: Page["plan"]): Page => ({
    body: row.body,
    // A full page may have a successor; a short one is the last.
    next:
      row.rows === limit && row.last_at !== null && row.last_id !== null
        ? { at: isoMicros(row.last_at), id: row.last_id }
        : null,
    dbMs,
    plan,
  });

  /** search-index.sql's keys: the planner's, or a test's. */
  const indexKeySlots = (strategy: Strategy, term: SearchTerm): unknown[] => {
    const chosen = strategy.kind === "index" ? strategy.keys : undefined;
    return indexKeyValues(chosen ?? indexKeysFor(term, sample.current()));
  };

  return {
    /** Identical list requests waiting for a connection share one statement and one page. */
    list(req: PageRequest): Promise<Page> {
      const values = keyset(req);
      const [name, text] = req.unread ? ["conversations-unread", LIST_UNREAD] : ["conversations-list", LIST];
      return sharedList(JSON.stringify([name, ...values]), req.signal, async (client) => {
        const started = performance.now();
        const { rows } = await runQuery<PageRow>(client, { name, text, values });
        return toPage(rows[0] as PageRow, req.limit, performance.now() - started, "list");
      });
    },

    search(term: SearchTerm, req: PageRequest): Promise<Page> {
      return this.searchWith(chooseStrategy(term, req.offset + req.limit, sample.current()), term, req);
    },

    /** Each contact's conversation row as JSON text (null: it has no messages), as the list renders it. */
    async rowsOf(contactIds: readonly number[]): Promise<Map<number, string | null>> {
      const { rows } = await pool.query<PageRow>(BY_CONTACTS, [contactIds]);
      const found = new Map<number, string | null>(contactIds.map((id) => [id, null]));
      for (const row of JSON.parse(rows[0]?.body ?? "[]") as Array<{ contact_id: number }>) {
        found.set(row.contact_id, JSON.stringify(row));
      }
      return found;
    },

    /** The contacts among `contactIds` whose conversation `term` matches, as a search would list them. */
    async matching(term: SearchTerm, contactIds: readonly number[]): Promise<Set<number>> {
      const values = [contactIds, term.pattern, term.digitsPattern, term.text];
      const { rows } = await pool.query<{ id: number }>(MATCHING, values);
      return new Set(rows.map((r) => r.id));
    },

    /** A search with the plan given: `search` chooses it; tests force each plan against the oracle. */
    async searchWith(strategy: Strategy, term: SearchTerm, req: PageRequest): Promise<Page> {
      const values = [...keyset(req), term.pattern, term.digitsPattern];
      const answer = async (kind: Exclude<Strategy["kind"], "walk">, spentMs = 0): Promise<Page> => {
        const { row, ms } =
          kind === "index"
            ? await run(SEARCH_INDEX, [...values, term.text, ...indexKeySlots(strategy, term)], req.signal)
            : await run(BY_TERM_TEXT[kind], [...values, term.text], req.signal);
        return toPage(row, req.limit, spentMs + ms, kind);
      };
      if (strategy.kind !== "walk") return answer(strategy.kind);
      const walk = term.inSignature ? SEARCH_WALK_COUNTED : SEARCH_WALK;
      const walked = await run(walk, [...values, term.text, strategy.budget], req.signal);
      // A short page from a bounded walk may only mean the budget ran out: the other plan settles it.
      if (walked.row.rows === req.limit || strategy.budget === UNBOUNDED) {
        return toPage(walked.row, req.limit, walked.ms, "walk");
      }
      return answer(fallbackFor(term), walked.ms);
    },
  };
}

/**
 * The plans that also take the term as typed ($7), to fold its signature or characters to constants. Exported
 * for the bench's statements.
 */
export const BY_TERM_TEXT = {
  postings: SEARCH_POSTINGS,
  filter: SEARCH_FILTER,
  characters: SEARCH_CHARACTERS,
};

/** What answers when a bounded walk runs out of budget. */
function fallbackFor(term: SearchTerm): Exclude<Strategy["kind"], "walk"> {
  if (term.inSignature) return "postings";
  if (term.hasTrigram) return "index";
  return term.hasPostedCharacter ? "characters" : "filter";
}

export type ConversationQueries = ReturnType<typeof createConversationQueries>;
