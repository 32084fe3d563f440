import { OpenAPIRegistry, OpenApiGeneratorV31 } from "@asteasolutions/zod-to-openapi";
import { Router } from "express";
import swaggerUi from "swagger-ui-express";
import { conversation, conversationsQuery, problem } from "../conversations/schemas.ts";

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
