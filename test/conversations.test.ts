import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { termPairs, termTrigrams } from "../src/conversations/index-keys.ts";
import type { Strategy } from "../src/conversations/planner.ts";
import { UNBOUNDED } from "../src/conversations/planner.ts";
import { parseSearchTerm } from "../src/conversations/search-term.ts";
import { createRandom } from "../src/seed/random.ts";
import { seed } from "../src/seed/seed.ts";
import { startTestServer, type TestServer } from "./support/app.ts";
import { createTestDatabase, type TestDatabase } from "./support/database.ts";
import { type Expected, loadOracle } from "./support/oracle.ts";

let db: TestDatabase;
let server: TestServer;
let oracle: Awaited<ReturnType<typeof loadOracle>>;

const TRICKY_CONTENT = [
  "I am 100% sure",
  "rename it to snake_case_name",
  "saved in C:\\temp\\file.txt",
  "it's fine",
  'she said "hi"',
  "Café ☕ tomorrow?",
  "👍 great, thanks",
  "RTL \u200Fmark here",
  "300 \u212A heat", // KELVIN SIGN: lower() folds it to an ASCII "k", in the search and in the signature
];

before(async () => {
  db = await createTestDatabase();
  const now = Date.UTC(2026, 0, 1) / 1000;
  await seed(
    db.pool,
    {
      contacts: 200,
      messages: 3_000,
      contentPath: undefined,
      randomSeed: 3,
      nowSeconds: now,
      reset: false,
      interactive: false,
    },
    () => {},
  );
  // Deletes: one seeded message in ten, and five messages holding "jq", which no other message has. They leave
  // stale signature bits, and those contacts marked inexact (migration 013), which the walk must not trust.
  await db.pool.query(`INSERT INTO messages (contact_id, content, direction)
                       SELECT id, 'jq only here', 'inbound' FROM contacts ORDER BY id LIMIT 5`);
  await db.pool.query("DELETE FROM messages WHERE id % 10 = 3 OR content = 'jq only here'");
  // Contacts whose latest messages share one timestamp: the tie-break by contact id decides their order.
  await db.pool.query(`
    WITH c AS (INSERT INTO contacts (name, phone_number)
               VALUES ('Zoë Ångström', '+1 (555) 123-4567'), ('Tie One', '+44 20 7946 0001'), ('Tie Two', '+44 20 7946 0002')
               RETURNING id)
    INSERT INTO messages (contact_id, content, direction, "timestamp")
    SELECT id, 'same time', 'inbound', '2025-12-31T12:00:00Z' FROM c`);
  // Microseconds the API truncates to milliseconds in the body, and keeps whole in cursors.
  await db.pool.query(`
    WITH c AS (INSERT INTO contacts (name, phone_number) VALUES ('Micro Second', '+1 555 010 9999') RETURNING id)
    INSERT INTO messages (contact_id, content, direction, "timestamp")
    SELECT id, 'to the microsecond', 'inbound', '2025-09-01T08:30:15.123999Z' FROM c`);
  await db.pool.query(
    `INSERT INTO messages (contact_id, content, direction, "timestamp")
     SELECT (SELECT min(id) FROM contacts) + i, t, 'outbound', '2025-06-01T00:00:00Z'::timestamptz + i * interval '1 minute'
       FROM unnest($1::text[]) WITH ORDINALITY AS x(t, i)`,
    [TRICKY_CONTENT],
  );
  // An edit in place that brings a character above ASCII: the character posting lists (017) must follow it.
  await db.pool.query(`UPDATE messages SET content = 'edited to naïve 日本'
                        WHERE id = (SELECT min(id) FROM messages WHERE content NOT LIKE '%same time%')`);
  await db.pool.query("ANALYZE");
  server = await startTestServer(db);
  oracle = await loadOracle(db.pool);
});

after(async () => {
  await server.close();
  await db.drop();
});

async function walkByPage(query: string, limit: number): Promise<Expected[]> {
  const rows: Expected[] = [];
  for (let page = 1; ; page++) {
    const res = await server.get(`/conversations?limit=${limit}&page=${page}${query}`);
    assert.equal(res.status, 200);
    const body = res.body as Expected[];
    rows.push(...body);
    if (body.length < limit) return rows;
  }
}

async function walkByCursor(query: string, limit: number): Promise<Expected[]> {
  const rows: Expected[] = [];
  let path = `/conversations?limit=${limit}${query}`;
  for (;;) {
    const res = await server.get(path);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    rows.push(...(res.body as Expected[]));
    const link = res.headers.get("link");
    if (!link) return rows;
    assert.equal(link, `<${link.slice(1, link.indexOf(">"))}>; rel="next"`);
    path = link.slice(1, link.indexOf(">"));
    assert.ok(res.headers.get("x-next-cursor"));
  }
}

const q = (term: string) => `&searchValue=${encodeURIComponent(term)}`;

describe("GET /conversations without search", () => {
  test("walking every page lists every conversation once, in order", async () => {
    const expected = oracle.expected();
    assert.deepEqual(await walkByPage("", 17), expected);
    assert.deepEqual(await walkByCursor("", 23), expected);
  });

  test("page 1 is the 50 newest by default; ties on time go by contact id, newest id first", async () => {
    const res = await server.get("/conversations");
    assert.deepEqual(res.body, oracle.expected().slice(0, 50));
    const ties = oracle.expected().filter((c) => c.content === "same time");
    assert.equal(ties.length, 3);
    assert.ok(ties[0]!.contact_id > ties[1]!.contact_id && ties[1]!.contact_id > ties[2]!.contact_id);
  });

  test("Server-Timing reports the database time", async () => {
    const res = await server.get("/conversations?limit=5");
    assert.match(res.headers.get("server-timing") ?? "", /^db;dur=\d+\.\d+;desc="list"$/);
  });

  test("a page past the end is empty, without a next link", async () => {
    const res = await server.get("/conversations?page=500");
    assert.deepEqual(res.body, []);
    assert.equal(res.headers.get("link"), null);
  });
});

describe("GET /conversations with searchValue", () => {
  const random = createRandom(11);
  const sampleTerms = () => {
    const terms: string[] = [];
    for (let i = 0; i < 12; i++) {
      const m = oracle.messages[random.int(oracle.messages.length)]!;
      const start = random.int(Math.max(1, m.content.length - 6));
      terms.push(m.content.slice(start, start + 1 + random.int(8)));
    }
    // Longer slices hold spaces: phrases the word pairs key.
    for (let i = 0; i < 4; i++) {
      const m = oracle.messages[random.int(oracle.messages.length)]!;
      const start = random.int(Math.max(1, m.content.length - 10));
      terms.push(m.content.slice(start, start + 8 + random.int(14)));
    }
    const c = oracle.contacts[random.int(oracle.contacts.length)]!;
    terms.push(c.name.slice(1, 5), c.phone_number.replace(/\D/g, "").slice(2, 6));
    return terms;
  };
  const special = [
    "%",
    "_",
    "\\",
    "'",
    '"',
    "100%",
    "snake_",
    "C:\\temp",
    "é",
    "café",
    "👍",
    "\u200F",
    "zzqqxxj",
    "a",
    "th",
    "the",
    "  same time  ",
    "Same TIME",
    "ame tim",
    "555 1234",
    "5551234",
    "+1 (555) 123-4",
    "ÅNGSTRÖM",
    "ö",
    "Ö",
    "ï",
    "日本",
    "☕",
    "é!",
    "\u212A",
    "k h",
    "qj",
    "jq",
    "JQ",
    "?!",
    "q}",
    "a_b",
    "~",
  ];

  test("each plan equals the oracle for random and tricky terms, pages and limits", async () => {
    const plans: Strategy[] = [
      { kind: "index" },
      { kind: "walk", budget: UNBOUNDED },
      { kind: "walk", budget: 5 },
      { kind: "filter" },
    ];
    for (const text of [...sampleTerms(), ...special]) {
      const term = parseSearchTerm(text);
      assert.ok(term, text);
      const expected = oracle.expected(text);
      // The signature's posting lists answer what it records exactly: one or two letters or digits; the
      // character posting lists, a term holding a character above ASCII.
      // The index plan with one trigram or one word pair as its only key leaves rows without the term: strpos
      // must drop them.
      const oneTrigram = termTrigrams(term.folded).slice(-1);
      const onePair = termPairs(term.text).slice(-1);
      const extra: Strategy[] = [
        ...oneTrigram.map((t): Strategy => ({ kind: "index", keys: { patterns: [`%${t}%`], pairs: [] } })),
        ...onePair.map((p): Strategy => ({ kind: "index", keys: { patterns: [], pairs: [p] } })),
        ...(term.inSignature ? [{ kind: "postings" } as const] : []),
        ...(term.hasPostedCharacter ? [{ kind: "characters" } as const] : []),
      ];
      for (const plan of [...plans, ...extra]) {
        for (const [offset, limit] of [
          [0, 50],
          [3, 4],
          [10, 10],
        ] as const) {
          const page = await server.services.conversations.searchWith(plan, term, {
            after: null,
            offset,
            limit,
          });
          assert.deepEqual(
            JSON.parse(page.body),
            expected.slice(offset, offset + limit),
            `${JSON.stringify(text)} ${plan.kind} ${offset}`,
          );
        }
      }
    }
  });

  test("walking all pages and cursors of a search: no duplicate, no gap", async () => {
    for (const text of ["e", "the", "same time", "555"]) {
      const expected = oracle.expected(text);
      assert.ok(expected.length > 0, text);
      assert.deepEqual(await walkByPage(q(text), 9), expected, text);
      assert.deepEqual(await walkByCursor(q(text), 7), expected, text);
    }
  });

  test("a content match carries the most recent matching message; a name match does not", async () => {
    const [zoe] = (await server.get(`/conversations?limit=50${q("zoë")}`)).body as Expected[];
    assert.equal(zoe?.name, "Zoë Ångström");
    assert.equal(zoe?.match, undefined);
    const [hit] = (await server.get(`/conversations?limit=50${q("100%")}`)).body as Expected[];
    assert.equal(hit?.match?.content, "I am 100% sure");
  });

  test("a row's timestamps are ISO 8601 in UTC, truncated to the millisecond", async () => {
    const res = await server.get(`/conversations?limit=100${q("to the microsecond")}`);
    assert.deepEqual(
      (res.body as Expected[]).map((c) => [c.timestamp, c.match?.timestamp]),
      [["2025-09-01T08:30:15.123Z", "2025-09-01T08:30:15.123Z"]],
    );
  });

  test("blank searchValue means no filter", async () => {
    assert.deepEqual(
      (await server.get(`/conversations?limit=50${q("   ")}`)).body,
      oracle.expected().slice(0, 50),
    );
  });
});

describe("GET /conversations rejects bad input with a 400 naming the parameter", () => {
  const cases: Array<[string, string]> = [
    ["page=0", "page"],
    ["page=-5", "page"],
    ["page=abc", "page"],
    ["page=1.5", "page"],
    ["page=0x10", "page"],
    ["page=1e3", "page"],
    ["page=%2B2", "page"],
    ["limit=%207", "limit"],
    ["page=10001", "page"],
    ["page=99999999999999999999", "page"],
    ["limit=0", "limit"],
    ["limit=101", "limit"],
    ["limit=ten", "limit"],
    [`searchValue=${"x".repeat(201)}`, "searchValue"],
    ["searchValue=a%00b", "searchValue"],
    ["searchValue=line%0Abreak", "searchValue"],
    ["cursor=nonsense", "cursor"],
    ["cursor=abc.def", "cursor"],
    ["page=2&cursor=x", "page"],
    ["page=1&page=2", "page"],
    ["color=blue", "color"],
  ];
  for (const [query, field] of cases) {
    test(query.slice(0, 40), async () => {
      const res = await server.get(`/conversations?${query}`);
      assert.equal(res.status, 400);
      assert.equal(res.headers.get("content-type"), "application/problem+json; charset=utf-8");
      const body = res.body as { errors?: Array<{ field: string }>; detail: string };
      assert.deepEqual(
        body.errors?.map((e) => e.field),
        [field],
        body.detail,
      );
      assert.ok(body.detail.startsWith(`${field}: `), body.detail);
    });
  }

  test("each message says what is wrong with the value, once", async () => {
    const detail = async (query: string) =>
      ((await server.get(`/conversations?${query}`)).body as { detail: string }).detail;
    assert.equal(
      await detail("page=99999999999999999999"),
      "page: must be at most 10000; use the cursor to go further",
    );
    assert.equal(await detail("page=0"), "page: must be a positive integer");
    assert.equal(
      await detail("color=blue&size=2"),
      "color: is not accepted here (accepted: page, limit, searchValue, cursor, unread); " +
        "size: is not accepted here (accepted: page, limit, searchValue, cursor, unread)",
    );
  });

  test("a cursor is bound to its search and to its signature", async () => {
    const first = await server.get(`/conversations?limit=2${q("the")}`);
    const cursor = first.headers.get("x-next-cursor") as string;
    const other = await server.get(`/conversations?cursor=${cursor}${q("a")}`);
    assert.equal(other.status, 400);
    const [payload, signature] = cursor.split(".");
    const forged = Buffer.from(JSON.stringify(["2020-01-01T00:00:00.000000Z", 1, "x"])).toString("base64url");
    assert.equal((await server.get(`/conversations?cursor=${forged}.${signature}`)).status, 400);
    assert.equal((await server.get(`/conversations?cursor=${payload}.${signature}${q("the")}`)).status, 200);
  });
});

describe("service endpoints", () => {
  test("healthz, readyz, openapi.json", async () => {
    assert.deepEqual((await server.get("/healthz")).body, { status: "ok" });
    const ready = await server.get("/readyz");
    assert.equal(ready.status, 200);
    const doc = (await server.get("/openapi.json")).body as {
      openapi: string;
      servers: unknown[];
      paths: Record<string, Record<string, { operationId?: string; tags?: string[]; responses: object }>>;
    };
    assert.equal(doc.openapi, "3.1.0");
    assert.ok(doc.servers.length > 0);
    const operations = Object.values(doc.paths).flatMap((methods) => Object.values(methods));
    // Every operation has a unique id and a tag; every API one declares the token's 401 and the rate limit's 429.
    const ids = operations.map((o) => o.operationId);
    assert.equal(new Set(ids).size, operations.length, JSON.stringify(ids));
    assert.ok(operations.every((o) => (o.tags?.length ?? 0) > 0));
    for (const path of ["/conversations", "/contacts", "/contacts/{id}/messages"]) {
      for (const operation of Object.values(doc.paths[path] ?? {})) {
        assert.ok("401" in operation.responses && "429" in operation.responses, path);
      }
    }
    assert.ok(doc.paths["/healthz"] && doc.paths["/readyz"]);
  });

  test("an unknown route is a JSON 404", async () => {
    const res = await server.get("/nope");
    assert.equal(res.status, 404);
    assert.equal((res.body as { status: number }).status, 404);
  });
});
