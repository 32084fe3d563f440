import assert from "node:assert/strict";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { openApiDocument, pathPattern } from "../../src/http/openapi.ts";

/**
 * Every response the API tests receive is checked against the OpenAPI document the server serves: the status
 * is one the operation declares, the content type is the declared one, and the body is valid under its schema.
 * So the document cannot drift from the code. Paths the document does not describe (the page, /openapi.json,
 * an unknown route) are not checked.
 */

type MediaTypes = Record<string, { schema?: unknown }>;
type Operation = { responses: Record<string, { content?: MediaTypes }> };

const document = openApiDocument() as unknown as { paths: Record<string, Record<string, Operation>> };
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats.default(ajv);
// The whole document is one schema resource: a body's schema is a JSON pointer into it, its $refs resolve.
ajv.addSchema({ ...document, $id: "inbox" });

const OPERATIONS = Object.entries(document.paths).map(([template, methods]) => ({
  template,
  pattern: pathPattern(template),
  methods,
}));

const pointer = (...parts: string[]) =>
  parts.map((p) => p.replaceAll("~", "~0").replaceAll("/", "~1")).join("/");

const validators = new Map<string, ValidateFunction>();
function validatorOf(ref: string): ValidateFunction {
  const known = validators.get(ref);
  if (known) return known;
  const validate = ajv.compile({ $ref: ref });
  validators.set(ref, validate);
  return validate;
}

export type ReceivedResponse = { status: number; contentType: string | null; text: string };

/** Throws an AssertionError naming the request when `response` is not what the document says it can be. */
export function assertDocumented(method: string, url: string, response: ReceivedResponse): void {
  const path = new URL(url, "http://localhost").pathname;
  const route = OPERATIONS.find((o) => o.pattern.test(path));
  const operation = route?.methods[method.toLowerCase()];
  if (!route || !operation) return;
  const where = `${method} ${path} → ${response.status}`;
  const declared = operation.responses[String(response.status)];
  assert.ok(declared, `${where}: the document declares no ${response.status} for this operation`);
  if (!declared.content) {
    assert.equal(response.text, "", `${where}: the document declares no body`);
    return;
  }
  const mediaType = (response.contentType ?? "").split(";")[0]?.trim() ?? "";
  const media = declared.content[mediaType];
  assert.ok(media, `${where}: content type ${mediaType || "(none)"} is not ${Object.keys(declared.content)}`);
  if (mediaType === "text/event-stream") return;
  const ref = `inbox#/${pointer("paths", route.template, method.toLowerCase(), "responses", String(response.status), "content", mediaType, "schema")}`;
  const validate = validatorOf(ref);
  const body = JSON.parse(response.text);
  assert.ok(validate(body), `${where}: body does not match the document: ${ajv.errorsText(validate.errors)}`);
}
