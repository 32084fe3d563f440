import { OpenAPIRegistry, OpenApiGeneratorV31 } from "@asteasolutions/zod-to-openapi";
import { Router } from "express";
import swaggerUi from "swagger-ui-express";
import { z } from "zod";
import { contactResponse, createContactBody, patchContactBody } from "../contacts/schemas.ts";
import { conversation, conversationsQuery, problem } from "../conversations/schemas.ts";
import { createMessageBody, messageResponse, threadQuery } from "../messages/schemas.ts";

/** The OpenAPI 3.1 document, generated from the same zod schemas that validate requests. */
export function openApiDocument() {
  const registry = new OpenAPIRegistry();
  const errors = (statuses: number[]) =>
    Object.fromEntries(
      statuses.map((s) => [
        s,
        { description: "Problem", content: { "application/problem+json": { schema: problem } } },
      ]),
    );
  registry.registerPath({
    method: "get",
    path: "/conversations",
    summary: "The most recent conversations, newest first; paginated; optionally searched",
    request: { query: conversationsQuery },
    responses: {
      200: {
        description:
          'Up to `limit` conversations. `X-Next-Cursor` and `Link: <…>; rel="next"` point to the next page when there is one; `Server-Timing` carries the database time.',
        content: { "application/json": { schema: conversation.array() } },
      },
      ...errors([400, 503]),
    },
  });
  const json = (description: string, schema: z.ZodType) => ({
    description,
    content: { "application/json": { schema } },
  });
  const body = (schema: z.ZodType) => ({ body: { content: { "application/json": { schema } } } });
  const id = z.object({ id: z.coerce.number().int().min(1) });
  registry.registerPath({
    method: "post",
    path: "/contacts",
    summary: "Create a contact (phone numbers are unique by their digits)",
    request: body(createContactBody),
    responses: { 201: json("The contact", contactResponse), ...errors([400, 409, 413]) },
  });
  registry.registerPath({
    method: "get",
    path: "/contacts/{id}",
    summary: "A contact with its latest message",
    request: { params: id },
    responses: { 200: json("The contact", contactResponse), ...errors([400, 404]) },
  });
  registry.registerPath({
    method: "patch",
    path: "/contacts/{id}",
    summary: "Rename a contact or change its number; search sees it at once",
    request: { params: id, ...body(patchContactBody) },
    responses: { 200: json("The contact", contactResponse), ...errors([400, 404, 409]) },
  });
  registry.registerPath({
    method: "post",
    path: "/contacts/{id}/messages",
    summary: "Record a message to or from a contact (timestamp defaults to now)",
    request: { params: id, ...body(createMessageBody) },
    responses: { 201: json("The message", messageResponse), ...errors([400, 404, 413]) },
  });
  registry.registerPath({
    method: "get",
    path: "/contacts/{id}/messages",
    summary: "A contact's thread, newest first; X-Next-Cursor / Link continue it",
    request: { params: id, query: threadQuery },
    responses: { 200: json("Messages", messageResponse.array()), ...errors([400, 404]) },
  });
  registry.registerPath({
    method: "delete",
    path: "/messages/{id}",
    summary: "Delete a message; if it was the latest, the previous one becomes the conversation's latest",
    request: { params: id },
    responses: { 204: { description: "Deleted" }, ...errors([400, 404]) },
  });
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: "3.1.0",
    info: { title: "Inbox", version: "0.1.0", description: "Conversations over contacts and messages." },
  });
}

export function openApiRoutes(): Router {
  const document = openApiDocument();
  const router = Router();
  router.get("/openapi.json", (_req, res) => {
    res.json(document);
  });
  router.use("/docs", swaggerUi.serve, swaggerUi.setup(document));
  return router;
}
