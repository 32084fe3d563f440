import { writeFile } from "node:fs/promises";
import { z } from "zod";
import { parseCommandLine } from "../src/cli-options.ts";
import { loadConfig } from "../src/config.ts";
import { indexKeyValues } from "../src/conversations/index-keys.ts";
import { indexKeysFor, type Strategy } from "../src/conversations/planner.ts";
import { BY_TERM_TEXT, START, STATEMENTS } from "../src/conversations/queries.ts";
import { createSampleKeeper, type SearchSample } from "../src/conversations/search-sample.ts";
import { parseSearchTerm } from "../src/conversations/search-term.ts";
import { openDatabase } from "../src/db/database.ts";
import { migrate } from "../src/db/migrate.ts";
import { createPool, type Pool } from "../src/db/pool.ts";
import { createLogger } from "../src/logger.ts";
import { INSERT_MESSAGES } from "../src/messages/queries.ts";

/**
 * `npm run explain`: EXPLAIN (ANALYZE, BUFFERS) of every hot query class on the current database, written to
 * docs/plans.md, so the plans in the docs are the plans of the code.
 */
// The list statement's keyset from page 1 onwards: before the newest position there is.
const FROM_START = [START.at, START.id];
const BUDGET = 2 ** 31 - 1;
/** The sample is read once and never refreshed during the run. */
const SAMPLE_KEPT_MS = 2 ** 30;

type Case = { title: string; sql: string; values: unknown[]; rollback?: boolean };

/** The index plan's keys come from the search sample, as the server chooses them (index-keys.ts). */
const cases = (sample: SearchSample): Case[] => [
  { title: "List, page 1", sql: STATEMENTS.list, values: [...FROM_START, 50, 0] },
  { title: "Unread list, page 1", sql: STATEMENTS.listUnread, values: [...FROM_START, 50, 0] },
  { title: "List, page 2,000 (OFFSET 99,950)", sql: STATEMENTS.list, values: [...FROM_START, 50, 99_950] },
  ...searchCase("Search walk, very common word", "walk", "the", 0),
  ...searchCase("Search index, a phrase of common trigrams", "index", "thats the case", 0, sample),
  ...searchCase("Search walk, common word, page 5", "walk", "movie", 200),
  ...searchCase("Search walk counted by signatures, 2 characters", "walk", "zz", 0),
  ...searchCase("Search walk counted by signatures, 2 characters, page 10", "walk", "zz", 450),
  ...searchCase("Search walk, less common word, page 10", "walk", "basketball", 450),
  ...searchCase(
    "Search index, less common word, page 5 (the walk answers it)",
    "index",
    "basketball",
    200,
    sample,
  ),
  ...searchCase("Search index, rare word", "index", "tarantino", 0, sample),
  ...searchCase("Search index, no match", "index", "qzxvjk", 0, sample),
  ...searchCase("Search index, phone digits", "index", "4567", 0, sample),
  ...searchCase("Search postings, 2 characters few conversations hold", "postings", "qj", 0),
  ...searchCase("Search postings, 2 characters, page 10", "postings", "zz", 450),
  ...searchCase("Search filter, 2 characters few conversations hold", "filter", "qj", 0),
  ...searchCase("Search characters, a character above ASCII, page 10", "characters", "’", 450),
  insertCase(8),
];

/** A batch of `size` messages to spread contacts, as concurrent posts produce; rolled back after explaining. */
function insertCase(size: number) {
  const contacts = Array.from({ length: size }, (_, i) => 1 + i * 9_973);
  return {
    title: `Message insert, a batch of ${size}`,
    sql: INSERT_MESSAGES,
    values: [
      contacts,
      contacts.map((c) => `explain message for ${c}`),
      contacts.map(() => "inbound"),
      contacts.map(() => null),
    ],
    rollback: true,
  };
}

function searchCase(
  title: string,
  plan: Strategy["kind"],
  text: string,
  offset: number,
  sample?: SearchSample,
) {
  const term = parseSearchTerm(text);
  if (!term) return [];
  const values = [...FROM_START, 50, offset, term.pattern, term.digitsPattern];
  const label = `${title} ("${text}")`;
  if (plan === "walk") {
    // As queries.ts chooses: a 1–2 letter or digit term is counted from the signatures.
    const sql = term.inSignature ? STATEMENTS.searchWalkCounted : STATEMENTS.searchWalk;
    return [{ title: label, sql, values: [...values, term.text, BUDGET] }];
  }
  if (plan === "filter" || plan === "postings" || plan === "characters") {
    return [{ title: label, sql: BY_TERM_TEXT[plan], values: [...values, term.text] }];
  }
  const keys = sample ? indexKeysFor(term, sample) : { patterns: [term.pattern], pairs: [] };
  return [
    {
      title: `${label}, keys ${[...keys.patterns, ...keys.pairs.map((p) => `"${p}"`)].join(" ")}`,
      sql: STATEMENTS.searchIndex,
      values: [...values, term.text, ...indexKeyValues(keys)],
    },
  ];
}

const HELP = `Usage: npm run explain -- [options]

Migrates, then runs each hot statement (the conversation list, every search plan, the message insert) once to
warm it, then with EXPLAIN (ANALYZE, BUFFERS) on the database npm start uses (DATABASE_URL, or the embedded
server, which must not be running), and writes the plans with the data set's size and the date. The insert runs
in a transaction rolled back after.

Options:
  --out PATH       where to write the plans (default docs/plans.md)
  -h, --help       show this help

Exit codes: 0 written, 1 failure (database), 2 usage error.`;

async function main(): Promise<void> {
  const { out } = parseCommandLine(
    process.argv.slice(2),
    { out: { type: "string" } },
    z.object({ out: z.string().min(1).default("docs/plans.md") }),
    HELP,
  );
  const config = loadConfig();
  const logger = createLogger("warn", false);
  const db = await openDatabase(config, logger);
  const pool = createPool({ url: db.url, size: 1, statementTimeoutMs: 0, logger });
  const sections: string[] = [];
  let dataset = "";
  try {
    await migrate(pool, logger);
    dataset = await describeDataset(pool);
    const keeper = createSampleKeeper(pool, logger, SAMPLE_KEPT_MS);
    await keeper.refresh();
    keeper.stop();
    for (const c of cases(keeper.current())) {
      // A write is explained inside a transaction that is rolled back: the data stays as it was.
      if (c.rollback) await pool.query("BEGIN");
      await pool.query({ text: c.sql, values: c.values });
      const { rows } = await pool.query<{ "QUERY PLAN": string }>({
        text: `EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${c.sql}`,
        values: c.values,
      });
      if (c.rollback) await pool.query("ROLLBACK");
      sections.push(`## ${c.title}\n\n\`\`\`\n${rows.map((r) => r["QUERY PLAN"]).join("\n")}\n\`\`\`\n`);
      console.log(c.title);
    }
  } finally {
    await pool.end();
    await db.close();
  }
  await writeFile(out, `${HEADER}\n${dataset}\n\n${sections.join("\n")}`);
  console.log(`written ${out}`);
}

async function describeDataset(pool: Pool): Promise<string> {
  const { rows } = await pool.query<{ contacts: number; messages: number; size: string }>(
    `SELECT (SELECT count(*) FROM contacts)::int AS contacts,
            (SELECT reltuples FROM pg_class WHERE oid = 'messages'::regclass)::bigint AS messages,
            pg_size_pretty(pg_database_size(current_database())) AS size`,
  );
  const { contacts = 0, messages = 0, size = "?" } = rows[0] ?? {};
  const n = (x: number) => Number(x).toLocaleString("en-US");
  return `Data set: ${n(contacts)} contacts, about ${n(messages)} messages, ${size}; run on ${new Date().toISOString().slice(0, 10)}.`;
}

const HEADER = `# Query plans of the hot statements

Generated by \`npm run explain\`: each statement of \`src/conversations/sql/\` (GET /conversations) and the message
insert (\`src/messages/sql/insert.sql\`, inside a transaction rolled back afterwards) run once to warm it, then with
EXPLAIN (ANALYZE, BUFFERS) on the database \`npm start\` uses. How a search chooses among them: [search.md](search.md).
`;

await main();
