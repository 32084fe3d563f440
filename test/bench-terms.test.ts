import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type Row, summariseClasses } from "../bench/report.ts";
import { buildScenarios, SEARCH_GROUP } from "../bench/scenarios.ts";
import { drawSearchTerms, type TermClass } from "../bench/terms.ts";
import { seed } from "../src/seed/seed.ts";
import { createTestDatabase, type TestDatabase } from "./support/database.ts";

const small = {
  contacts: 400,
  messages: 8_000,
  contentPath: undefined,
  randomSeed: 11,
  nowSeconds: Date.UTC(2026, 0, 1) / 1000,
  interactive: false,
  reset: false,
};
const PER_CLASS = 4;
const NO_LOAD = { requestsPerSecond: 1, p50: 0, p90: 0, p99: 0, max: 0, non2xx: 0, errors: 0 };

const CLASSES = [
  "1 character",
  "2 characters, no match",
  "2 characters, few",
  "2 characters, many",
  "digits",
  "name fragment",
  "very common word",
  "common word",
  "rare word",
  "several words",
  "non-ASCII, alphabet",
  "old conversations only",
];

describe("bench search terms", () => {
  let db: TestDatabase;
  let drawn: TermClass[];
  const terms = (group: string) => drawn.find((c) => c.group === group)?.terms ?? [];

  /** Conversations matching a term as the API does, the obvious way: ILIKE over every message, name and number. */
  const matching = async (term: string) => {
    const { rows } = await db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM contacts c
        WHERE c.name ILIKE '%' || $1 || '%' OR c.phone_digits LIKE '%' || $1 || '%'
           OR EXISTS (SELECT FROM messages m WHERE m.contact_id = c.id AND m.content ILIKE '%' || $1 || '%')`,
      [term],
    );
    return rows[0]?.n ?? 0;
  };

  before(async () => {
    db = await createTestDatabase();
    await seed(db.pool, small, () => {});
    drawn = await drawSearchTerms(db.pool, { seed: 5, perClass: PER_CLASS });
  });
  after(async () => db.drop());

  test("every class is drawn, with the terms asked for", () => {
    assert.deepEqual(
      drawn.map((c) => c.group),
      CLASSES,
    );
    for (const c of drawn) {
      assert.equal(c.terms.length, PER_CLASS, `${c.group}: ${JSON.stringify(c.terms)}`);
      assert.equal(new Set(c.terms).size, c.terms.length, `${c.group} terms are distinct`);
    }
  });

  test("the same seed draws the same terms; another seed others", async () => {
    assert.deepEqual(await drawSearchTerms(db.pool, { seed: 5, perClass: PER_CLASS }), drawn);
    assert.notDeepEqual(await drawSearchTerms(db.pool, { seed: 6, perClass: PER_CLASS }), drawn);
  });

  test("terms have the shape of their class", () => {
    for (const t of terms("1 character")) assert.match(t, /^[a-z]$/);
    for (const group of ["2 characters, no match", "2 characters, few", "2 characters, many"])
      for (const t of terms(group)) assert.match(t, /^[a-z0-9~^{}]{2}$/, group);
    for (const t of terms("digits")) assert.match(t, /^\d{4,5}$/);
    for (const t of terms("name fragment")) assert.match(t, /^\p{L}{3,5}$/u);
    for (const t of terms("several words")) assert.match(t, /^\p{L}+( \p{L}+){1,2}$/u);
    for (const group of ["very common word", "common word", "rare word", "old conversations only"])
      for (const t of terms(group)) assert.match(t, /^\p{L}{4,}$/u, group);
  });

  test("the no-match pairs match no conversation; every other drawn term matches one", async () => {
    for (const t of terms("2 characters, no match")) assert.equal(await matching(t), 0, t);
    for (const c of drawn) {
      if (c.group === "2 characters, no match" || c.group.startsWith("non-ASCII")) continue;
      for (const t of c.terms) assert.ok((await matching(t)) > 0, `${c.group}: "${t}" matches nothing`);
    }
  });

  test("the many pairs match more conversations than the few; very common words more than rare ones", async () => {
    const counts = async (group: string) => Promise.all(terms(group).map(matching));
    assert.ok(
      Math.min(...(await counts("2 characters, many"))) > Math.max(...(await counts("2 characters, few"))),
    );
    assert.ok(Math.min(...(await counts("very common word"))) > Math.max(...(await counts("rare word"))));
  });

  test("each term is a scenario at pages 1, 5 and 10, grouped by its class", async () => {
    const scenarios = (await buildScenarios(db.pool, "a-cursor-secret-of-some-length", drawn)).filter((s) =>
      s.group.startsWith(SEARCH_GROUP),
    );
    const term = terms("several words")[0]!;
    assert.equal(scenarios.length, 3 * CLASSES.length * PER_CLASS);
    assert.deepEqual(
      scenarios.filter((s) => s.name.startsWith(`"${term}"`)),
      [1, 5, 10].map((page) => ({
        group: "search: several words",
        name: `"${term}" page ${page}`,
        path: `/conversations?searchValue=${encodeURIComponent(term)}&page=${page}`,
      })),
    );
  });

  test("a class's percentiles are over every response of its terms", () => {
    const row = (group: string, name: string, connections: number, dbMs: number) =>
      ({ group, name, path: "", connections, dbMs, ...NO_LOAD }) as Row;
    const rows = [
      row("list", "page 1", 1, 0.5),
      row("search: rare word", '"abcd" page 1', 1, 2),
      row("search: rare word", '"efgh" page 1', 1, 4),
      row("search: rare word", '"abcd" page 1', 32, 3),
    ];
    const times = new Map([
      [rows[1]!, Array.from({ length: 99 }, () => 1)],
      [rows[2]!, [50]],
      [rows[3]!, [7, 8]],
    ]);
    assert.deepEqual(summariseClasses(rows, times), [
      { group: "rare word", connections: 1, requests: 100, p50: 1, p99: 1, max: 50, dbMedian: 2, dbMax: 4 },
      { group: "rare word", connections: 32, requests: 2, p50: 7, p99: 8, max: 8, dbMedian: 3, dbMax: 3 },
    ]);
  });

  test("non-ASCII characters come from the data when it holds some", async () => {
    assert.ok(terms("non-ASCII, alphabet").every((t) => /[^\p{ASCII}]/u.test(t)));
    await db.pool.query(
      `INSERT INTO messages (contact_id, content, direction)
       SELECT id, 'Café at Straße 5 😀 中文', 'inbound' FROM contacts ORDER BY id LIMIT 3`,
    );
    const again = await drawSearchTerms(db.pool, { seed: 5, perClass: 10 });
    const found = again.find((c) => c.group.startsWith("non-ASCII"));
    assert.deepEqual(found, { group: "non-ASCII, from the data", terms: found?.terms });
    assert.deepEqual([...(found?.terms ?? [])].sort(), ["é", "ß", "中", "文", "😀"].sort());
  });
});
