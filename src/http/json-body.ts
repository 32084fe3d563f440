import { isUtf8 } from "node:buffer";
import type { RequestHandler } from "express";
import express from "express";
import { HttpError } from "./errors.ts";

/**
 * Request bodies are JSON in UTF-8 (RFC 8259), up to 64 KB. A body of another media type, or labelled with
 * another charset, is a 415 naming what is accepted, rather than a 400 about a missing object or a body that
 * decodes to nonsense. Bytes that are not UTF-8 are a 400, not U+FFFD stored in the client's place.
 */
export function jsonBodies(): RequestHandler[] {
  return [acceptOnlyJson, express.json({ limit: "64kb", verify: rejectNotUtf8 })];
}

/** body-parser's verify hook, on the decoded (Content-Encoding) bytes; an error thrown here keeps its status. */
function rejectNotUtf8(_req: unknown, _res: unknown, body: Buffer): void {
  if (!isUtf8(body)) throw new HttpError(400, "invalid_utf8", "the body is not valid UTF-8");
}

const CHARSET = /;\s*charset\s*=\s*"?([^";\s]+)/i;

const acceptOnlyJson: RequestHandler = (req, _res, next) => {
  const type = req.headers["content-type"];
  const hasBody =
    Number(req.headers["content-length"] ?? 0) > 0 || req.headers["transfer-encoding"] !== undefined;
  if (!hasBody) return next();
  if (!req.is("application/json")) {
    return next(
      unsupported(`the body must be JSON, sent with Content-Type: application/json (got ${type ?? "none"})`),
    );
  }
  const charset = CHARSET.exec(type ?? "")?.[1]?.toLowerCase();
  if (charset !== undefined && charset !== "utf-8" && charset !== "utf8") {
    return next(unsupported(`the body must be UTF-8 (got charset=${charset})`));
  }
  next();
};

const unsupported = (message: string) => new HttpError(415, "unsupported_media_type", message);
