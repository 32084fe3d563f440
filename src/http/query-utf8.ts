import type { RequestHandler } from "express";
import { badRequest } from "./errors.ts";

/**
 * A query whose percent-escapes are not UTF-8 (`?searchValue=%FF`) is a 400 naming the parameter. Node's query
 * parser would replace the bytes with U+FFFD, and the API would answer for a value the client never sent.
 */
export const rejectQueryNotUtf8: RequestHandler = (req, _res, next) => {
  const start = req.url.indexOf("?");
  if (start < 0 || !req.url.includes("%", start)) return next();
  for (const pair of req.url.slice(start + 1).split("&")) {
    const [name = "", value = ""] = pair.split("=", 2);
    if (!decodes(value)) return next(badRequest(decodes(name) ? name : "query", "is not valid UTF-8"));
    if (!decodes(name)) return next(badRequest("query", "has a parameter name that is not valid UTF-8"));
  }
  next();
};

function decodes(component: string): boolean {
  try {
    decodeURIComponent(component);
    return true;
  } catch {
    return false;
  }
}
