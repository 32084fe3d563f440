import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { testServerForFile } from "./support/app.ts";
import { assertDocumented } from "./support/contract.ts";

/**
 * Property-based: whatever arrives in a query, a path or a body, the answer is a 2xx or 4xx with a JSON
 * body, never a 5xx, and a rejected write leaves the database as it was.
 */

const file = testServerForFile();
const RUNS = { numRuns: 300 };

/** Strings people and attackers send: unicode edge cases, SQL, LIKE wildcards, numbers that are not. */
const HOSTILE = [
  "",
  " ",
  "\u0000",
  "a\u0000b",
  "\ud800",
  "\udfff x",
  "\u202e\u200f",
  "😀👨‍👩‍👧",
  "%",
  "_",
  "\\",
  "%_\\%",
  "' OR '1'='1",
  "'); DROP TABLE messages; --",
  "$1",
  "1e309",
  "-1",
  "0",
  "NaN",
  "Infinity",
  "0x1F",
  "1.5",
  "9".repeat(400),
  "+1 (555) 123-4567",
  "2026-01-01T00:00:00Z",
  "x".repeat(5_000),
];

/** The known troublemakers, drawn most often, and arbitrary text (any code point, lone surrogates too). */
const nastyText = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...HOSTILE) },
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.bigInt().map(String),
  fc.double().map(String),
);

/** A query or path value, percent-encoded: from text (as UTF-8) or from raw bytes (often invalid UTF-8). */
const encoded = fc.oneof(
  nastyText.map((text) => percentEncode(Buffer.from(text, "utf8"))),
  fc.uint8Array({ maxLength: 24 }).map((bytes) => percentEncode(Buffer.from(bytes))),
);

function percentEncode(bytes: Buffer): string {
  return [...bytes].map((b) => `%${b.toString(16).padStart(2, "0")}`).join("");
}

const queryString = fc
  .array(
    fc.tuple(
      fc.constantFrom("page", "limit", "cursor", "searchValue", "match", "page[]", "x", "__proto__"),
      encoded,
    ),
    { maxLength: 4 },
  )
  .map((pairs) => pairs.map(([name, value]) => `${name}=${value}`).join("&"));

/** JSON values of every shape, the expected fields filled with hostile values, and deep nesting. */
const jsonBody = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.record(
    {
      name: fc.oneof(nastyText, fc.jsonValue({ maxDepth: 2 })),
      phone_number: fc.oneof(nastyText, fc.jsonValue({ maxDepth: 2 })),
      content: fc.oneof(nastyText, fc.jsonValue({ maxDepth: 2 })),
      direction: fc.oneof(fc.constantFrom("inbound", "outbound", "INBOUND", ""), nastyText),
      timestamp: fc.oneof(
        nastyText,
        fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      ),
    },
    { requiredKeys: [] },
  ),
  fc.integer({ min: 1, max: 5_000 }).map((depth) => `${"[".repeat(depth)}${"]".repeat(depth)}`),
);

/** A body that would be accepted, with one field (or an extra one) replaced by a hostile value. */
function oneFieldWrong(valid: Record<string, unknown>) {
  return fc
    .record({
      field: fc.constantFrom(...Object.keys(valid), "extra", "__proto__"),
      value: fc.oneof(nastyText, fc.jsonValue({ maxDepth: 2 })),
    })
    .map(({ field, value }) => JSON.stringify({ ...valid, [field]: value }));
}

/** A body as sent: JSON text, or arbitrary text, under a content type that may or may not be JSON. */
function body(valid: Record<string, unknown>) {
  return fc.record({
    text: fc.oneof(
      oneFieldWrong(valid),
      jsonBody.map((value) =>
        typeof value === "string" && value.startsWith("[") ? value : JSON.stringify(value),
      ),
      fc.string({ unit: "binary", maxLength: 200 }),
    ),
    contentType: fc.constantFrom(
      "application/json",
      "application/json",
      "application/json; charset=utf-8",
      "application/json; charset=utf-16",
      "application/json; charset=klingon",
      "text/plain",
      "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=x",
      undefined,
    ),
  });
}

type Answer = { status: number; contentType: string; text: string };

async function send(method: string, path: string, payload?: { text: string; contentType?: string }) {
  const response = await fetch(file.server.url + path, {
    method,
    ...(payload
      ? {
          body: payload.text,
          headers: payload.contentType ? { "content-type": payload.contentType } : {},
        }
      : {}),
  });
  const answer = {
    status: response.status,
    contentType: response.headers.get("content-type") ?? "",
    text: await response.text(),
  } satisfies Answer;
  assertDocumented(method, path, answer);
  return answer;
}

function assertJsonAnswer(answer: Answer, fullRequest: string): void {
  const request =
    fullRequest.length > 200 ? `${fullRequest.slice(0, 200)}… (${fullRequest.length} chars)` : fullRequest;
  assert.ok(answer.status < 500, `${request} → ${answer.status} ${answer.text.slice(0, 300)}`);
  assert.match(answer.contentType, /^application\/(problem\+)?json/, request);
  assert.doesNotThrow(() => JSON.parse(answer.text), request);
}

/** Everything a write could change, in one value. */
async function fingerprint(): Promise<string> {
  const { rows } = await file.db.pool.query<{ f: string }>(`
    SELECT concat_ws('|',
      (SELECT md5(coalesce(string_agg(c::text, ',' ORDER BY id), '')) FROM contacts c),
      (SELECT md5(coalesce(string_agg(m::text, ',' ORDER BY id), '')) FROM messages m)) AS f`);
  return rows[0]?.f ?? "";
}

/** One contact with a message, for the routes that take an id (made on first use: hooks run per suite). */
let contactId: number | undefined;
async function aContact(): Promise<number> {
  if (contactId === undefined) {
    const contact = await file.server.send("POST", "/contacts", {
      name: "Ada",
      phone_number: "+44 20 7946 0000",
    });
    contactId = (contact.body as { id: number }).id;
    await file.server.send("POST", `/contacts/${contactId}/messages`, {
      content: "hi",
      direction: "inbound",
    });
  }
  return contactId;
}

describe("hostile input, read routes", () => {
  test("a URL past the 16 KB header limit: 431 problem+json from the HTTP server itself", async () => {
    const answer = await send("GET", `/conversations?searchValue=${"x".repeat(20_000)}`);
    assert.equal(answer.status, 431);
    assertJsonAnswer(answer, "20 KB URL");
  });

  test("every known troublemaker in every parameter of the list and the thread", async () => {
    const id = await aContact();
    for (const name of ["page", "limit", "cursor", "searchValue"]) {
      for (const value of HOSTILE) {
        const query = `${name}=${percentEncode(Buffer.from(value, "utf8"))}`;
        assertJsonAnswer(await send("GET", `/conversations?${query}`), query);
        assertJsonAnswer(await send("GET", `/contacts/${id}/messages?${query}`), query);
      }
    }
  });

  test("GET /conversations: any query string gets a 2xx or 4xx JSON answer", async () => {
    await fc.assert(
      fc.asyncProperty(queryString, async (query) => {
        assertJsonAnswer(await send("GET", `/conversations?${query}`), query);
      }),
      RUNS,
    );
  });

  test("GET /contacts/:id and its thread: any id and query string", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          encoded,
          fc.constant(() => String(contactId)),
        ),
        queryString,
        async (id, query) => {
          const segment = typeof id === "function" ? id() : id;
          assertJsonAnswer(await send("GET", `/contacts/${segment}`), segment);
          assertJsonAnswer(
            await send("GET", `/contacts/${segment}/messages?${query}`),
            `${segment} ${query}`,
          );
        },
      ),
      RUNS,
    );
  });
});

describe("hostile input, write routes", () => {
  const routes = [
    { method: "POST", path: "/contacts", valid: { name: "Bo", phone_number: "+1 555 010 0000" } },
    { method: "PATCH", path: "/contacts/:id", valid: { name: "Cy", phone_number: "+1 555 010 0001" } },
    { method: "POST", path: "/contacts/:id/messages", valid: { content: "hello", direction: "inbound" } },
    { method: "DELETE", path: "/messages/1", valid: {} },
  ];
  test("every known troublemaker in every field of every write: 2xx or 4xx, a rejection changes nothing", async () => {
    for (const route of routes) {
      const path = route.path.replace(":id", String(await aContact()));
      for (const field of Object.keys(route.valid)) {
        for (const value of HOSTILE) {
          const text = JSON.stringify({ ...route.valid, [field]: value });
          const before = await fingerprint();
          const answer = await send(route.method, path, { text, contentType: "application/json" });
          assertJsonAnswer(answer, `${route.method} ${path} ${text.slice(0, 100)}`);
          if (answer.status >= 400)
            assert.equal(await fingerprint(), before, "a rejected write changed data");
        }
      }
    }
  });

  for (const route of routes) {
    test(`${route.method} ${route.path}: any body gets a 2xx or 4xx JSON answer; a rejection changes nothing`, async () => {
      await fc.assert(
        fc.asyncProperty(body(route.valid), async (payload) => {
          const path = route.path.replace(":id", String(await aContact()));
          const before = await fingerprint();
          const answer = await send(route.method, path, payload);
          if (answer.status === 204) return;
          assertJsonAnswer(answer, JSON.stringify(payload).slice(0, 300));
          if (answer.status >= 400)
            assert.equal(await fingerprint(), before, "a rejected write changed data");
        }),
        RUNS,
      );
    });
  }

  test("write routes with hostile ids in the path", async () => {
    await fc.assert(
      fc.asyncProperty(encoded, async (id) => {
        const before = await fingerprint();
        let changed = false;
        for (const [method, path] of [
          ["PATCH", `/contacts/${id}`],
          ["POST", `/contacts/${id}/messages`],
          ["DELETE", `/messages/${id}`],
        ] as const) {
          const answer = await send(method, path, { text: '{"name":"x"}', contentType: "application/json" });
          changed ||= answer.status < 300;
          if (answer.status === 204) continue;
          assertJsonAnswer(answer, path);
        }
        if (!changed) assert.equal(await fingerprint(), before, "rejected writes changed data");
      }),
      RUNS,
    );
  });
});
