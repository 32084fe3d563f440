import { Router } from "express";
import type { CursorCodec } from "../conversations/cursor.ts";
import type { ReadRouter } from "../db/replicas.ts";
import { parseBody, parseId } from "../http/validation.ts";
import { readAfterWrite, sendWriteToken } from "../http/write-token.ts";
import type { MessageQueries } from "./queries.ts";
import { createMessageBody, threadQuery } from "./schemas.ts";

/** POST /contacts/:id/messages, GET /contacts/:id/messages (the thread), DELETE /messages/:id. */
export function messageRoutes(
  messages: MessageQueries,
  reads: ReadRouter<{ messages: MessageQueries }>,
  cursors: CursorCodec,
): Router {
  const router = Router();
  router.post("/contacts/:id/messages", async (req, res) => {
    const contactId = parseId(req.params.id);
    const body = parseBody(createMessageBody, req.body);
    const message = await messages.add({ contactId, ...body });
    await sendWriteToken(res, reads);
    res.status(201).json(message);
  });
  router.get("/contacts/:id/messages", async (req, res) => {
    const contactId = parseId(req.params.id);
    const query = threadQuery.parse(req.query);
    // A thread cursor only continues the thread it came from.
    const scope = `thread:${contactId}`;
    const after = query.cursor ? cursors.decode(query.cursor, scope) : null;
    const page = await readAfterWrite(req, res, reads, (q) =>
      q.messages.thread(contactId, after, query.limit),
    );
    res.setHeader("Server-Timing", `db;dur=${page.dbMs.toFixed(2)}`);
    if (page.next) {
      const cursor = cursors.encode(page.next, scope);
      res.setHeader("X-Next-Cursor", cursor);
      const next = new URLSearchParams({ cursor, limit: String(query.limit) });
      res.setHeader("Link", `</contacts/${contactId}/messages?${next}>; rel="next"`);
    }
    res.json(page.messages);
  });
  router.delete("/messages/:id", async (req, res) => {
    await messages.remove(parseId(req.params.id));
    await sendWriteToken(res, reads);
    res.status(204).end();
  });
  return router;
}
