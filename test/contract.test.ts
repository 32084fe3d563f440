import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { assertDocumented } from "./support/contract.ts";

/** The checker every API test's responses pass through: it must refuse what the document does not allow. */

const json = "application/json; charset=utf-8";
const problemType = "application/problem+json; charset=utf-8";
const row = {
  message_id: 1,
  content: "hi",
  timestamp: "2026-01-31T23:58:21.000Z",
  direction: "inbound",
  contact_id: 2,
  name: "Ada",
  phone_number: "+1 555 0100",
  unread_count: 0,
};
const problem = { type: "about:blank", title: "Bad Request", status: 400, code: "x", detail: "page: no" };

describe("assertDocumented", () => {
  test("a page of conversations and a declared problem pass", () => {
    assertDocumented("GET", "/conversations?page=2", {
      status: 200,
      contentType: json,
      text: JSON.stringify([row]),
    });
    assertDocumented("GET", "/conversations", {
      status: 400,
      contentType: problemType,
      text: JSON.stringify(problem),
    });
    assertDocumented("DELETE", "/messages/7", { status: 204, contentType: null, text: "" });
  });

  test("a status the operation does not declare is refused", () => {
    assert.throws(
      () => assertDocumented("GET", "/conversations", { status: 500, contentType: problemType, text: "{}" }),
      /declares no 500/,
    );
    assert.throws(
      () => assertDocumented("DELETE", "/messages/7", { status: 409, contentType: problemType, text: "{}" }),
      /declares no 409/,
    );
  });

  test("a body that breaks its schema, or the wrong content type, is refused", () => {
    const { unread_count: _, ...withoutCount } = row;
    assert.throws(
      () =>
        assertDocumented("GET", "/conversations", {
          status: 200,
          contentType: json,
          text: JSON.stringify([withoutCount]),
        }),
      /unread_count/,
    );
    assert.throws(
      () =>
        assertDocumented("GET", "/conversations", {
          status: 400,
          contentType: json,
          text: JSON.stringify(problem),
        }),
      /content type application\/json/,
    );
    assert.throws(
      () => assertDocumented("DELETE", "/messages/7", { status: 204, contentType: null, text: "{}" }),
      /no body/,
    );
  });

  test("paths outside the document are not checked", () => {
    assertDocumented("GET", "/openapi.json", { status: 500, contentType: "text/html", text: "<p>" });
  });
});
