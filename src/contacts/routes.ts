import { Router } from "express";
import type { ReadRouter } from "../db/replicas.ts";
import { parseBody, parseId } from "../http/validation.ts";
import { readAfterWrite, sendWriteToken } from "../http/write-token.ts";
import type { ContactQueries } from "./queries.ts";
import { createContactBody, markReadBody, patchContactBody } from "./schemas.ts";

/** POST /contacts, GET /contacts/:id, PATCH /contacts/:id, POST /contacts/:id/read. */
export function contactRoutes(
  contacts: ContactQueries,
  reads: ReadRouter<{ contacts: ContactQueries }>,
): Router {
  const router = Router();
  router.post("/contacts", async (req, res) => {
    const body = parseBody(createContactBody, req.body);
    const created = await contacts.create(body.name, body.phone_number);
    await sendWriteToken(res, reads);
    res.status(201).json(created);
  });
  router.get("/contacts/:id", async (req, res) => {
    const id = parseId(req.params.id);
    res.json(await readAfterWrite(req, res, reads, (q) => q.contacts.get(id)));
  });
  router.patch("/contacts/:id", async (req, res) => {
    const id = parseId(req.params.id);
    const body = parseBody(patchContactBody, req.body);
    const updated = await contacts.update(id, body.name, body.phone_number);
    await sendWriteToken(res, reads);
    res.json(updated);
  });
  router.post("/contacts/:id/read", async (req, res) => {
    const id = parseId(req.params.id);
    // No body means "read up to the latest message".
    const body = parseBody(markReadBody, req.body ?? {});
    const marker = await contacts.markRead(id, body.message_id);
    await sendWriteToken(res, reads);
    res.json(marker);
  });
  return router;
}
