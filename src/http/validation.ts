import { extendZodWithOpenApi } from "@asteasolutions/zod-to-openapi";
import { z } from "zod";
import { badRequest } from "./errors.ts";

// Every request schema imports this module: `.openapi()` (descriptions, examples) exists before any is built.
extendZodWithOpenApi(z);

/**
 * A number in a path or query written as decimal digits only. Number() would also take "0x10", "1e3", "+2" and
 * " 7", which no client means as a page or an id; those reach `schema` as strings and fail it.
 */
export function decimalInteger<T extends z.ZodNumber>(schema: T) {
  return z.preprocess((v) => (typeof v === "string" && /^[0-9]{1,20}$/.test(v) ? Number(v) : v), schema);
}

/** Shared request-validation pieces: ids in paths, and parsing a body or query with a named field on failure. */
export const idParam = decimalInteger(
  z
    .number({ error: "must be a positive integer" })
    .max(Number.MAX_SAFE_INTEGER, "is too large")
    .int("must be a positive integer")
    .min(1, "must be a positive integer"),
);

/**
 * An object that accepts only `shape`'s keys. An unknown one is reported under its own name, with the names
 * accepted (the error handler gives each unknown key its own entry).
 */
export function strictFields<S extends z.ZodRawShape>(shape: S) {
  const accepted = Object.keys(shape).join(", ");
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === "unrecognized_keys" ? `is not accepted here (accepted: ${accepted})` : undefined,
  });
}

export function parseId(value: unknown, field = "id"): number {
  const parsed = idParam.safeParse(value);
  if (!parsed.success) throw badRequest(field, parsed.error.issues[0]?.message ?? "is invalid");
  return parsed.data;
}

/** A JSON body must be an object; anything else (no body, wrong content type, an array) is named as such. */
export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  if (body === undefined || body === null || typeof body !== "object" || Array.isArray(body)) {
    throw badRequest("body", "must be a JSON object sent with Content-Type: application/json");
  }
  return schema.parse(body);
}
