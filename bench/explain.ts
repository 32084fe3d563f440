import { writeFile } from "node:fs/promises";
import { loadConfig } from "../src/config.ts";
import { STATEMENTS } from "../src/conversations/queries.ts";
import { parseSearchTerm } from "../src/conversations/search-term.ts";
import { openDatabase } from "../src/db/database.ts";
import { createPool } from "../src/db/pool.ts";
import { createLogger } from "../src/logger.ts";

/**
 * `npm run explain`: EXPLAIN (ANALYZE, BUFFERS) of every hot query class on the current database, written to
 * docs/search-plans.md, so the plans in the docs are the plans of the code.
 */
const START = ["infinity", Number.MAX_SAFE_INTEGER];
const BUDGET = 2 ** 31 - 1;

const cases: Array<{ title: string; sql: string; values: unknown[]; bitmap?: string }> = [
  { title: "List, page 1", sql: STATEMENTS.list, values: [...START, 50, 0] },
  { title: "List, page 2,000 (OFFSET 99,950)", sql: STATEMENTS.list, values: [...START, 50, 99_950] },
  ...searchCase("Search walk, very common word", "walk", "the", 0),
  ...searchCase("Search walk, common word, page 5", "walk", "movie", 200),
  ...searchCase("Search walk, 2 characters", "walk", "zz", 0),
  ...searchCase("Search index, less common word, page 5", "index", "basketball", 200),
  ...searchCase("Search index, rare word", "index", "tarantino", 0),
  ...searchCase("Search index, no match", "index", "qzxvjk", 0),
  ...searchCase("Search index, phone digits", "index", "4567", 0),
  ...searchCase("Search scan, 2 characters that match nothing", "scan", "qj", 0),
];

function searchCase(title: string, plan: "walk" | "index" | "scan", text: string, offset: number) {
  const term = parseSearchTerm(text);
  if (!term) return [];
  const values = [...START, 50, offset, term.pattern, term.digitsPattern];
  const label = `${title} ("${text}")`;
  if (plan === "walk") return [{ title: label, sql: STATEMENTS.searchWalk, values: [...values, BUDGET] }];
  // The scan plan is the index statement with bitmap scans off (as queries.ts runs it).
  const settings = plan === "scan" ? "off" : "on";
  return [{ title: label, sql: STATEMENTS.searchIndex, values, bitmap: settings }];
}

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger("warn", false);
  const db = await openDatabase(config, logger);
  const pool = createPool({ url: db.url, size: 1, statementTimeoutMs: 0, logger });
  const sections: string[] = [];
  try {
    for (const c of cases) {
      await pool.query(`SET enable_bitmapscan = ${c.bitmap === "off" ? "off" : "on"}`);
      await pool.query({ text: c.sql, values: c.values });
      const { rows } = await pool.query<{ "QUERY PLAN": string }>({
        text: `EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${c.sql}`,
        values: c.values,
      });
      sections.push(`## ${c.title}\n\n\`\`\`\n${rows.map((r) => r["QUERY PLAN"]).join("\n")}\n\`\`\`\n`);
      console.log(c.title);
    }
  } finally {
    await pool.end();
    await db.close();
  }
  const header = await readHeader();
  await writeFile("docs/search-plans.md", `${header}\n${sections.join("\n")}`);
  console.log("written docs/search-plans.md");
}

async function readHeader(): Promise<string> {
  const { readFile } = await import("node:fs/promises");
  const text = await readFile("docs/search-plans.md", "utf8").catch(() => "");
  const cut = text.indexOf("\n## ");
  return cut === -1 ? text : text.slice(0, cut + 1);
}

await main();
