import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import { brotliCompressSync, deflateSync, gzipSync } from "node:zlib";
import express from "express";
import fc from "fast-check";
import { errorHandler } from "../src/http/error-handler.ts";
import { testServerForFile } from "./support/app.ts";
import { assertDocumented } from "./support/contract.ts";
import { testLogger } from "./support/database.ts";

/**
 * The write routes never answer 5xx for what a client sent: a timestamp PostgreSQL refuses, a body that does not
 * match its Content-Encoding, or any database error of class 22 (data exception) or 23 (integrity violation).
 */

const file = testServerForFile();

type Answer = { status: number; contentType: string; problem: Problem };
type Problem = {
  code: string;
  status: number;
  detail: string;
  errors?: { field: string; message: string }[];
};

async function send(
  method: string,
  url: string,
  body: BodyInit,
  headers: Record<string, string>,
): Promise<Answer> {
  const response = await fetch(url, { method, body, headers });
  const text = await response.text();
  assertDocumented(method, url, {
    status: response.status,
    contentType: response.headers.get("content-type"),
    text,
  });
  return {
    status: response.status,
    contentType: response.headers.get("content-type") ?? "",
    problem: text ? JSON.parse(text) : undefined,
  };
}

const JSON_TYPE = { "content-type": "application/json" };

/** One contact for the routes that take an id (made on first use: top-level hooks run once per suite). */
let contactId = 0;
async function aContact(): Promise<number> {
  if (contactId === 0) {
    const created = await file.server.send("POST", "/contacts", {
      name: "Ada",
      phone_number: "+1 555 020 0000",
    });
    contactId = (created.body as { id: number }).id;
  }
  return contactId;
}

const messageCount = async () =>
  (await file.db.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM messages")).rows[0]?.n;

describe("timestamp offsets beyond PostgreSQL's ±15:59", () => {
  before(aContact);
  test("the reported request: +16:00 is a 400 naming timestamp, and nothing is stored", async () => {
    const before = await messageCount();
    const body = '{"content":"x","direction":"inbound","timestamp":"2000-01-10T23:18:35+16:00"}';
    const answer = await send("POST", `${file.server.url}/contacts/${contactId}/messages`, body, JSON_TYPE);
    assert.equal(answer.status, 400, JSON.stringify(answer.problem));
    assert.match(answer.contentType, /^application\/problem\+json/);
    assert.deepEqual(answer.problem.errors, [
      { field: "timestamp", message: "must have a time zone offset from -15:59 to +15:59" },
    ]);
    assert.equal(await messageCount(), before);
  });

  test("-16:00 and +23:59 are refused the same way; ±15:59 is stored as the instant it names", async () => {
    for (const offset of ["-16:00", "+23:59"]) {
      const answer = await file.server.send("POST", `/contacts/${contactId}/messages`, {
        content: "x",
        direction: "inbound",
        timestamp: `2000-01-10T23:18:35${offset}`,
      });
      assert.equal(answer.status, 400, offset);
      assert.equal((answer.body as Problem).errors?.[0]?.field, "timestamp");
    }
    for (const [offset, utc] of [
      ["+15:59", "2000-01-10T07:19:35.000Z"],
      ["-15:59", "2000-01-11T15:17:35.000Z"],
    ]) {
      const answer = await file.server.send("POST", `/contacts/${contactId}/messages`, {
        content: "x",
        direction: "inbound",
        timestamp: `2000-01-10T23:18:35${offset}`,
      });
      assert.equal(answer.status, 201, offset);
      assert.equal((answer.body as { timestamp: string }).timestamp, utc);
    }
  });
});

describe("bodies that do not match their Content-Encoding", () => {
  before(aContact);
  const json = '{"name":"Bo","phone_number":"+1 555 020 1111"}';
  const routes = () => [
    ["POST", "/contacts"],
    ["PATCH", `/contacts/${contactId}`],
    ["POST", `/contacts/${contactId}/messages`],
  ];

  test("the reported requests: plain JSON sent as gzip, and a truncated gzip stream, are 400s", async () => {
    const truncated = gzipSync(Buffer.from(json)).subarray(0, 12);
    for (const [method, path] of routes()) {
      for (const body of [json, truncated]) {
        const answer = await send(method as string, file.server.url + path, body, {
          ...JSON_TYPE,
          "content-encoding": "gzip",
        });
        assert.equal(answer.status, 400, `${method} ${path} ${JSON.stringify(answer.problem)}`);
        assert.match(answer.contentType, /^application\/problem\+json/);
        assert.equal(answer.problem.code, "unreadable_body");
      }
    }
  });

  test("deflate and br that do not decode are 400s; an unknown encoding is a 415; real gzip works", async () => {
    for (const encoding of ["deflate", "br"]) {
      const answer = await send("POST", `${file.server.url}/contacts`, json, {
        ...JSON_TYPE,
        "content-encoding": encoding,
      });
      assert.equal(answer.status, 400, encoding);
      assert.equal(answer.problem.code, "unreadable_body");
    }
    const unknown = await send("POST", `${file.server.url}/contacts`, json, {
      ...JSON_TYPE,
      "content-encoding": "zstd-not-really",
    });
    assert.equal(unknown.status, 415);
    assert.equal(unknown.problem.code, "unsupported_encoding");
    const gzipped = await send("POST", `${file.server.url}/contacts`, gzipSync(Buffer.from(json)), {
      ...JSON_TYPE,
      "content-encoding": "gzip",
    });
    assert.equal(gzipped.status, 201);
  });
});

describe("database errors of class 22 and 23, through the error handler", () => {
  /** Each statement fails in PostgreSQL with the SQLSTATE named; the handler must answer a 4xx. */
  const STATEMENTS: [sqlstate: string, sql: string][] = [
    ["22009", "SELECT '2000-01-10T23:18:35+16:00'::timestamptz"],
    ["22008", "SELECT '2000-13-45T00:00:00Z'::timestamptz"],
    ["22007", "SELECT 'yesterday-ish'::timestamptz"],
    ["22P02", "SELECT 'abc'::bigint"],
    ["22003", "SELECT 99999999999999999999::bigint"],
    ["22001", "DO $$ DECLARE v varchar(1) := 'abc'; BEGIN END $$"],
    ["22012", "SELECT 1 / 0"],
    ["22021", "SELECT convert_from('\\xff'::bytea, 'UTF8')"],
    ["23502", "INSERT INTO contacts (name, phone_number) VALUES (NULL, '+1 555 030 0000')"],
    ["23514", "INSERT INTO contacts (name, phone_number) VALUES ('', '+1 555 030 0001')"],
    ["23503", "INSERT INTO messages (contact_id, content, direction) VALUES (-1, 'x', 'inbound')"],
  ];

  /** The real error handler behind a route that runs one statement against the test database. */
  let url = "";
  let close = () => {};
  before(async () => {
    const app = express();
    app.get("/run/:i", async (req) => {
      await file.db.pool.query(STATEMENTS[Number(req.params.i)]?.[1] ?? "SELECT 1");
    });
    app.use(errorHandler(testLogger));
    const server = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => server.close();
  });
  after(() => close());

  test("each is a 4xx problem+json with a stable code and a message naming the problem", async () => {
    for (const [i, [sqlstate, sql]] of STATEMENTS.entries()) {
      const error = await file.db.pool.query(sql).then(
        () => undefined,
        (e: { code?: string }) => e.code,
      );
      assert.equal(error, sqlstate, `${sql} should fail with ${sqlstate}`);
      const response = await fetch(`${url}/run/${i}`);
      const problem = (await response.json()) as Problem;
      assert.ok(response.status >= 400 && response.status < 500, `${sqlstate} → ${response.status}`);
      assert.match(response.headers.get("content-type") ?? "", /^application\/problem\+json/);
      assert.match(problem.code, /^(invalid_value|conflict|not_found)$/, sqlstate);
      assert.ok(problem.detail.length > 0 && problem.detail !== "internal error", sqlstate);
    }
  });

  test("a NOT NULL violation names its column; the offset one names the range", async () => {
    const notNull = (await (await fetch(`${url}/run/8`)).json()) as Problem;
    assert.deepEqual(notNull.errors, [{ field: "name", message: "a required value is missing" }]);
    const offset = (await (await fetch(`${url}/run/0`)).json()) as Problem;
    assert.equal(offset.detail, "a time zone offset is out of range (-15:59 to +15:59)");
  });
});

describe("property: the write routes never answer 5xx", () => {
  before(aContact);
  /** A date-time from 1960 to now, with any offset ISO 8601 allows (±23:59) and any fraction of a second. */
  const timestamp = fc
    .record({
      at: fc.date({ min: new Date("1960-01-01T00:00:00Z"), max: new Date(), noInvalidDate: true }),
      sign: fc.constantFrom("+", "-"),
      hours: fc.integer({ min: 0, max: 23 }),
      minutes: fc.integer({ min: 0, max: 59 }),
      fraction: fc.oneof(fc.constant(""), fc.stringMatching(/^\.\d{1,12}$/)),
      zulu: fc.boolean(),
    })
    .map(({ at, sign, hours, minutes, fraction, zulu }) => {
      const offset = zulu
        ? "Z"
        : `${sign}${String(hours).padStart(2, "0")}:${String(minutes).padStart(2, "0")}`;
      return `${at.toISOString().slice(0, 19)}${fraction}${offset}`;
    });

  const text = fc.oneof(
    fc.string({ unit: "binary", maxLength: 30 }),
    fc.constantFrom("", " ", "\u0000", "x"),
  );
  const fields = fc.record(
    {
      name: fc.oneof(text, fc.jsonValue({ maxDepth: 1 })),
      phone_number: fc.oneof(fc.constantFrom("+1 555 040 0000", "12345"), text),
      content: fc.oneof(fc.constant("hello"), text),
      direction: fc.constantFrom("inbound", "outbound", "sideways"),
      timestamp: fc.oneof(timestamp, text),
    },
    { requiredKeys: [] },
  );

  /** The body's bytes: as is, compressed, compressed then cut, or arbitrary bytes. */
  const encodedBody = fc.record({
    json: fields.map((f) => Buffer.from(JSON.stringify(f))),
    transform: fc.constantFrom("plain", "gzip", "deflate", "br", "truncated-gzip", "random"),
    random: fc.uint8Array({ maxLength: 64 }),
  });
  const bytes = ({ json, transform, random }: { json: Buffer; transform: string; random: Uint8Array }) => {
    if (transform === "gzip") return gzipSync(json);
    if (transform === "deflate") return deflateSync(json);
    if (transform === "br") return brotliCompressSync(json);
    if (transform === "truncated-gzip") return gzipSync(json).subarray(0, Math.max(1, json.length >> 1));
    if (transform === "random") return Buffer.from(random);
    return json;
  };

  const headers = fc.record(
    {
      "content-type": fc.constantFrom(
        "application/json",
        "application/json; charset=utf-8",
        "application/json; charset=latin1",
        "application/json; charset=utf-16",
        "text/plain",
      ),
      "content-encoding": fc.constantFrom(
        "identity",
        "gzip",
        "x-gzip",
        "deflate",
        "br",
        "GZIP",
        "compress",
        "gzip, br",
      ),
    },
    { requiredKeys: [] },
  );

  test("generated bodies, encodings, content types and timestamps: 2xx or 4xx problem+json", {
    timeout: 180_000,
  }, async () => {
    const routes = [
      ["POST", "/contacts"],
      ["PATCH", `/contacts/${contactId}`],
      ["POST", `/contacts/${contactId}/messages`],
    ] as const;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        encodedBody,
        headers,
        async ([method, path], body, head) => {
          const answer = await send(method, file.server.url + path, new Uint8Array(bytes(body)), head);
          const request = `${method} ${path} ${JSON.stringify(head)} ${body.transform} ${body.json}`;
          assert.ok(answer.status < 500, `${request} → ${answer.status} ${JSON.stringify(answer.problem)}`);
          assert.match(answer.contentType, /^application\/(problem\+)?json/, request);
        },
      ),
      // Bounded in count and time: a slow machine stops early rather than timing the suite out.
      { numRuns: 200, interruptAfterTimeLimit: 120_000 },
    );
  });
});
