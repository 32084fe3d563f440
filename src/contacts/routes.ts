import { Router } from "express";
import { parseBody, parseId } from "../http/validation.ts";
import type { ContactQueries } from "./queries.ts";
import { createContactBody, markReadBody, patchContactBody } from "./schemas.ts";

/** POST /contacts, GET /contacts/:id, PATCH /contacts/:id, POST /contacts/:id/read. */
export function contactRoutes(contacts: ContactQueries): Router {
  const router = Router();
  router.post("/contacts", async (req, res) => {
    const body = parseBody(createContactBody, req.body);
    res.status(201).json(await contacts.create(body.name, body.phone_number));
  });
  router.get("/contacts/:id", async (req, res) => {
    res.json(await contacts.get(parseId(req.params.id)));
  });
  router.patch("/contacts/:id", async (req, res) => {
    const id = parseId(req.params.id);
    const body = parseBody(patchContactBody, req.body);
    res.json(await contacts.update(id, body.name, body.phone_number));
  });
  router.post("/contacts/:id/read", async (req, res) => {
    const id = parseId(req.params.id);
    // No body means "read up to the latest message".
    const body = parseBody(markReadBody, req.body ?? {});
    res.json(await contacts.markRead(id, body.message_id));
  });
  return router;
}
