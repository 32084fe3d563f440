import { Router } from "express";
import type { ReadRouter } from "../db/replicas.ts";
import { clientGoneSignal } from "../http/client-gone.ts";
import { readAfterWrite } from "../http/write-token.ts";
import type { CursorCodec } from "./cursor.ts";
import type { ConversationQueries } from "./queries.ts";
import { conversationsQuery } from "./schemas.ts";
import { parseSearchTerm } from "./search-term.ts";

/** GET /conversations: newest conversations first, by page or cursor, optionally filtered by a search. */
export function conversationRoutes(
  reads: ReadRouter<{ conversations: ConversationQueries }>,
  cursors: CursorCodec,
): Router {
  const router = Router();
  router.get("/conversations", async (req, res) => {
    const query = conversationsQuery.parse(req.query);
    const term = parseSearchTerm(query.searchValue ?? "");
    const search = term?.text ?? "";
    const request = {
      after: query.cursor ? cursors.decode(query.cursor, search) : null,
      offset: ((query.page ?? 1) - 1) * query.limit,
      limit: query.limit,
      signal: clientGoneSignal(res),
      unread: query.unread,
    };
    const page = await readAfterWrite(req, res, reads, ({ conversations }) =>
      term ? conversations.search(term, request) : conversations.list(request),
    );
    res.setHeader("Server-Timing", `db;dur=${page.dbMs.toFixed(2)};desc="${page.plan}"`);
    if (page.next) {
      const cursor = cursors.encode(page.next, search);
      const next = new URLSearchParams({
        cursor,
        limit: String(query.limit),
        ...(term ? { searchValue: search } : {}),
        ...(query.unread ? { unread: "true" } : {}),
      });
      res.setHeader("X-Next-Cursor", cursor);
      res.setHeader("Link", `</conversations?${next}>; rel="next"`);
    }
    res.type("application/json").send(page.body);
  });
  return router;
}
