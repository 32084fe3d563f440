import assert from "node:assert/strict";
import { request as httpRequest } from "node:http";
import { describe, test } from "node:test";
import { testServerForFile } from "./support/app.ts";
import { assertDocumented } from "./support/contract.ts";

/** HTTP details a client relies on: the problem's members, 405 with Allow, and bytes that are not UTF-8. */

const file = testServerForFile();

/** A problem's members, or (2xx) the contact created. */
type Body = { code: string; detail: string; errors: { field: string; message: string }[]; name?: string };

/** Raw bytes through node:http, as fetch would re-encode a malformed URL or refuse TRACE. */
function raw(method: string, path: string, body?: Buffer, headers: Record<string, string> = {}) {
  const { hostname, port } = new URL(file.server.url);
  return new Promise<{ status: number; headers: Record<string, unknown>; body: Body }>((resolve, reject) => {
    const req = httpRequest({ hostname, port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString();
        const contentType = res.headers["content-type"] ?? null;
        try {
          assertDocumented(method, path, { status: res.statusCode ?? 0, contentType, text });
        } catch (error) {
          return reject(error);
        }
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: text ? JSON.parse(text) : undefined,
        });
      });
    });
    req.on("error", reject);
    req.end(body);
  });
}

describe("problem details (RFC 9457)", () => {
  test("type about:blank, the status's phrase as title, the stable code in its own member", async () => {
    const answer = await file.server.get("/conversations?page=0");
    assert.equal(answer.status, 400);
    assert.equal(answer.headers.get("content-type"), "application/problem+json; charset=utf-8");
    const problem = answer.body as Record<string, unknown>;
    assert.equal(problem.type, "about:blank");
    assert.equal(problem.title, "Bad Request");
    assert.equal(problem.status, 400);
    assert.equal(problem.code, "invalid_parameter");
    assert.match(String(problem.detail), /^page: /);
  });
});

describe("methods", () => {
  test("TRACE and PUT on a documented path: 405 naming the methods it has, in Allow", async () => {
    for (const [method, path, allow] of [
      ["TRACE", "/conversations", "GET, HEAD"],
      ["PUT", "/contacts/1", "GET, PATCH, HEAD"],
      ["DELETE", "/contacts/1/messages/", "POST, GET, HEAD"],
      ["POST", "/healthz", "GET, HEAD"],
    ] as const) {
      const answer = await raw(method, path);
      assert.equal(answer.status, 405, `${method} ${path}`);
      assert.equal(answer.headers.allow, allow, `${method} ${path}`);
      assert.equal(answer.body.code, "method_not_allowed");
      assert.match(answer.body.detail, new RegExp(`^${method} is not allowed`));
    }
  });

  test("an undocumented path is still a 404, whatever the method", async () => {
    assert.equal((await raw("TRACE", "/nowhere")).status, 404);
    assert.equal((await raw("GET", "/contacts/1/nothing")).status, 404);
  });
});

describe("bytes that are not UTF-8", () => {
  test("a query parameter whose percent-escapes are not UTF-8: 400 naming it, not a search for U+FFFD", async () => {
    for (const query of ["searchValue=caf%E9", "searchValue=%FF", "limit=5&searchValue=%C3%28"]) {
      const answer = await raw("GET", `/conversations?${query}`);
      assert.equal(answer.status, 400, query);
      assert.deepEqual(answer.body.errors, [{ field: "searchValue", message: "is not valid UTF-8" }]);
    }
    const badName = await raw("GET", "/conversations?%FF=1");
    assert.equal(badName.status, 400);
    assert.equal(badName.body.errors[0]?.field, "query");
  });

  test("valid escapes still decode: é and an emoji are searched as sent", async () => {
    const answer = await raw("GET", `/conversations?searchValue=${encodeURIComponent("café 😀")}`);
    assert.equal(answer.status, 200);
  });

  test("a JSON body with bytes that are not UTF-8: 400 invalid_utf8, and nothing is stored", async () => {
    const before = await file.db.pool.query("SELECT count(*)::int AS n FROM contacts");
    const body = Buffer.concat([
      Buffer.from('{"name":"Jos'),
      Buffer.from([0xe9]),
      Buffer.from('","phone_number":"+1 555 0101"}'),
    ]);
    const answer = await raw("POST", "/contacts", body, { "content-type": "application/json" });
    assert.equal(answer.status, 400);
    assert.equal(answer.body.code, "invalid_utf8");
    const after = await file.db.pool.query("SELECT count(*)::int AS n FROM contacts");
    assert.equal(after.rows[0].n, before.rows[0].n);
  });

  test("the same body in UTF-8 is stored as sent", async () => {
    const body = Buffer.from('{"name":"José","phone_number":"+1 555 0102"}');
    const answer = await raw("POST", "/contacts", body, { "content-type": "application/json" });
    assert.equal(answer.status, 201);
    assert.equal(answer.body.name, "José");
  });
});
