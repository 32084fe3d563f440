import { OpenAPIRegistry, OpenApiGeneratorV31, type RouteConfig } from "@asteasolutions/zod-to-openapi";
import { Router } from "express";
import swaggerUi from "swagger-ui-express";
import { z } from "zod";
import {
  contactResponse,
  createContactBody,
  markReadBody,
  patchContactBody,
  readMarkerResponse,
} from "../contacts/schemas.ts";
import { conversation, conversationsQuery, problem } from "../conversations/schemas.ts";
import { eventsQuery, ticketResponse } from "../events/schemas.ts";
import { createMessageBody, messageResponse, threadQuery } from "../messages/schemas.ts";
import { idParam } from "./validation.ts";

/** What each problem status means, wherever it can occur. */
const PROBLEMS: Record<number, string> = {
  400: "A parameter, path or body is not valid: `errors` names each field",
  401: "A token is required (API_TOKEN is set, or a write reached a server listening beyond loopback) or not valid",
  404: "No such record",
  408: "The request was not received within 30 s",
  409: "The write conflicts with a stored record (a phone number already taken)",
  413: "The body exceeds 64 KB",
  415: "The body is not JSON in UTF-8 (Content-Type, charset), or its Content-Encoding is not supported",
  429: "More requests a minute than RATE_LIMIT_PER_MINUTE from this client (see RateLimit and Retry-After), or, for /events, more open streams than EVENT_STREAMS_PER_CLIENT",
  431: "The URL and headers together exceed 16 KB",
  503: "The database is unreachable, or more requests wait for it than DB_QUEUE_LIMIT; retry after Retry-After",
};
/** Node's HTTP server answers these itself, before any route: every path can meet them. */
const ANY_PATH = [408, 431];
/**
 * Every API operation can meet these too: a body that cannot be read (parsed wherever one is sent, even where
 * none is expected), the token, the rate limit, backpressure.
 */
const ANY_API = [400, 401, 413, 415, 429, 503, ...ANY_PATH];

const problems = (statuses: number[]) =>
  Object.fromEntries(
    [...new Set(statuses)]
      .sort((a, b) => a - b)
      .map((s) => [
        s,
        {
          description: PROBLEMS[s] ?? "Problem",
          content: { "application/problem+json": { schema: problem } },
        },
      ]),
  );
const json = (description: string, schema: z.ZodType) => ({
  description,
  content: { "application/json": { schema } },
});
const body = (schema: z.ZodType) => ({
  body: { content: { "application/json": { schema } }, required: true },
});
const id = z.object({ id: idParam });

/**
 * `replicated`: "read" operations may be served by a replica and take X-Write-Token; "write" operations answer
 * with one (only with DATABASE_READ_URLS set).
 */
type Operation = Omit<RouteConfig, "responses"> & {
  responses: RouteConfig["responses"];
  problems: number[];
  replicated?: "read" | "write";
};

const WRITE_TOKEN = z
  .string()
  .regex(/^[0-9a-f]{1,16}$/)
  .optional()
  .openapi({
    description:
      "The X-Write-Token of a write this read must see. With replicas, the read is served by one that has " +
      "replayed that write, or by the primary; without it, a replica may be slightly behind.",
    example: "3a1f2b8",
  });
const afterWrite = z.object({ "X-Write-Token": WRITE_TOKEN });
const READ_HEADERS = {
  "X-Read-Source": {
    description: 'With DATABASE_READ_URLS: which server answered ("primary", "replica-1"…)',
    schema: { type: "string" as const },
  },
};
const WRITE_HEADERS = {
  "X-Write-Token": {
    description:
      "With DATABASE_READ_URLS: opaque, names this write's commit position; send it back as X-Write-Token " +
      "on reads that must see it. Absent when the primary could not say its position just after the commit.",
    schema: { type: "string" as const },
  },
};

/** The operation with its consistency headers: on the request of a read, on the success of a write. */
function withConsistencyHeaders({
  replicated,
  request,
  responses,
  ...operation
}: Omit<Operation, "problems">) {
  if (!replicated) return { ...operation, request, responses };
  const headers = replicated === "read" ? READ_HEADERS : WRITE_HEADERS;
  const success = Object.fromEntries(
    Object.entries(responses).map(([status, r]) =>
      Number(status) < 300 && !("$ref" in r)
        ? [status, { ...r, headers: { ...r.headers, ...headers } }]
        : [status, r],
    ),
  );
  return {
    ...operation,
    request: replicated === "read" ? { ...request, headers: afterWrite } : request,
    responses: success,
  };
}

const OPERATIONS: Operation[] = [
  {
    method: "get",
    path: "/conversations",
    operationId: "listConversations",
    replicated: "read",
    tags: ["conversations"],
    summary: "The most recent conversations, newest first; paginated; optionally searched",
    description:
      "One row per contact with messages: its latest message, and with `searchValue` the newest message that " +
      "matches (`match`). `page` (up to 10,000) or `cursor` (any depth, same cost), not both.",
    request: { query: conversationsQuery },
    responses: {
      200: {
        description:
          'Up to `limit` conversations. `X-Next-Cursor` and `Link: <…>; rel="next"` point to the next page when there is one; `Server-Timing` carries the database time.',
        content: { "application/json": { schema: conversation.array() } },
      },
    },
    problems: [],
  },
  {
    method: "post",
    path: "/contacts",
    operationId: "createContact",
    replicated: "write",
    tags: ["contacts"],
    summary: "Create a contact (phone numbers are unique by their digits)",
    description:
      "`+1 (555) 010-0000` and `15550100000` are the same number: a second contact with it is a 409. The name " +
      "and number are searchable at once.",
    request: body(createContactBody),
    responses: { 201: json("The contact", contactResponse) },
    problems: [409],
  },
  {
    method: "get",
    path: "/contacts/{id}",
    operationId: "getContact",
    replicated: "read",
    tags: ["contacts"],
    summary: "A contact with its latest message",
    description: "`last_message` is the conversation's latest message (null before the first one).",
    request: { params: id },
    responses: { 200: json("The contact", contactResponse) },
    problems: [404],
  },
  {
    method: "patch",
    path: "/contacts/{id}",
    operationId: "updateContact",
    replicated: "write",
    tags: ["contacts"],
    summary: "Rename a contact or change its number; search sees it at once",
    description:
      "Give `name`, `phone_number` or both. A number another contact has, however formatted, is a 409.",
    request: { params: id, ...body(patchContactBody) },
    responses: { 200: json("The contact", contactResponse) },
    problems: [404, 409],
  },
  {
    method: "post",
    path: "/contacts/{id}/read",
    operationId: "markRead",
    replicated: "write",
    tags: ["contacts"],
    summary: "Mark a conversation read, up to one of its messages or (no body) up to its latest",
    description:
      "Moves the contact's read marker and answers the inbound messages still unread after it. An earlier " +
      "message marks the later ones unread again.",
    request: {
      params: id,
      body: { content: { "application/json": { schema: markReadBody } }, required: false },
    },
    responses: { 200: json("The read marker and what is unread past it", readMarkerResponse) },
    problems: [404],
  },
  {
    method: "post",
    path: "/contacts/{id}/messages",
    operationId: "createMessage",
    replicated: "write",
    tags: ["messages"],
    summary: "Record a message to or from a contact (timestamp defaults to now)",
    description: "The conversation list and search see the message as soon as this answers.",
    request: { params: id, ...body(createMessageBody) },
    responses: { 201: json("The message", messageResponse) },
    problems: [404],
  },
  {
    method: "get",
    path: "/contacts/{id}/messages",
    operationId: "listMessages",
    replicated: "read",
    tags: ["messages"],
    summary: "A contact's thread, newest first; X-Next-Cursor / Link continue it",
    description:
      "Messages to and from one contact, newest first, `limit` at a time. A page that is not the last carries " +
      '`X-Next-Cursor` and `Link: <…>; rel="next"`; pass the cursor back as `cursor`.',
    request: { params: id, query: threadQuery },
    responses: { 200: json("Messages", messageResponse.array()) },
    problems: [404],
  },
  {
    method: "get",
    path: "/events",
    operationId: "streamEvents",
    tags: ["events"],
    summary: "Server-Sent Events: each committed change that moves a conversation, as it commits",
    description:
      "`event: conversation`, `data: {contact_id, conversation}` (the `/conversations` row with `unread_count`, " +
      "or null when the contact has no message left), `id: <epoch>.<n>` in commit order. Reconnecting with " +
      "`Last-Event-ID` replays what was missed, or sends `event: reset` (reload the list) when that is no longer " +
      "held. A comment line every 15 s keeps proxies from closing it; a client more than 256 KB behind is cut. " +
      "A browser's EventSource cannot send a header: pass `ticket` from `POST /events/tickets` instead.",
    request: { query: eventsQuery },
    responses: {
      200: { description: "The stream", content: { "text/event-stream": { schema: z.string() } } },
    },
    problems: [],
  },
  {
    method: "post",
    path: "/events/tickets",
    operationId: "issueEventTicket",
    tags: ["events"],
    summary: "A ticket that opens event streams for a minute, for clients that cannot send Authorization",
    description:
      "Behind API_TOKEN this call needs the token; the ticket it answers opens `GET /events?ticket=` for 60 s " +
      "and opens nothing else. Without API_TOKEN streams are open and a ticket is not needed.",
    responses: { 201: json("The ticket", ticketResponse) },
    problems: [],
  },
  {
    method: "delete",
    path: "/messages/{id}",
    operationId: "deleteMessage",
    replicated: "write",
    tags: ["messages"],
    summary: "Delete a message; if it was the latest, the previous one becomes the conversation's latest",
    description: "The list and search move at once; a contact with no message left leaves the list.",
    request: { params: id },
    responses: { 204: { description: "Deleted" } },
    problems: [404],
  },
];

const readiness = z
  .object({
    status: z.enum(["ready", "migrating", "unavailable"]),
    database: z.enum(["reachable", "unreachable"]),
    migration: z.object({ applied: z.number().int().nullable(), expected: z.number().int() }).optional(),
    replicas: z
      .array(
        z.object({
          name: z.string(),
          state: z.enum(["starting", "up", "lagging", "down"]),
          lagMs: z.number().int().nullable(),
          reason: z.string().optional(),
        }),
      )
      .optional()
      .openapi({
        description:
          "With DATABASE_READ_URLS: each replica's state and lag behind the primary (to within 200 ms). Only " +
          '"up" ones take reads; the others\' reads go to the primary.',
      }),
  })
  .loose()
  .openapi("Readiness");

/** Outside the API's token, rate limit and backpressure: what a load balancer or supervisor polls. */
const HEALTH: RouteConfig[] = [
  {
    method: "get",
    path: "/healthz",
    operationId: "getHealth",
    tags: ["health"],
    summary: "The process is up",
    description:
      "Answers without touching the database: a supervisor restarts a process that stops answering.",
    security: [],
    responses: { 200: json("Up", z.object({ status: z.literal("ok") })), ...problems(ANY_PATH) },
  },
  {
    method: "get",
    path: "/readyz",
    operationId: "getReadiness",
    tags: ["health"],
    summary: "The database answers and is fully migrated",
    description:
      "A load balancer sends traffic only while this is 200. The body also reports start-up work still running " +
      "(the cache warm-up, the search planner's sample), which slows some requests but does not stop them.",
    security: [],
    responses: {
      200: json("Ready to serve", readiness),
      503: json("Not ready: the database is unreachable or still migrating", readiness),
      ...problems(ANY_PATH),
    },
  },
];

/** A path template ("/contacts/{id}") as Express matches the path: any case, an optional trailing slash. */
export const pathPattern = (template: string) =>
  new RegExp(`^${template.replace(/\{[^}]+\}/g, "[^/]+")}/?$`, "i");

/** Each documented path as Express matches it (any case, an optional trailing slash), with its methods. */
export function documentedRoutes(): Array<{ pattern: RegExp; methods: string[] }> {
  const byPath = new Map<string, string[]>();
  for (const { path, method } of [...OPERATIONS, ...HEALTH]) {
    byPath.set(path, [...(byPath.get(path) ?? []), method.toUpperCase()]);
  }
  return [...byPath].map(([path, methods]) => ({
    pattern: pathPattern(path),
    methods: methods.includes("GET") ? [...methods, "HEAD"] : methods,
  }));
}

/** The OpenAPI 3.1 document, generated from the same zod schemas that validate requests. */
export function openApiDocument() {
  const registry = new OpenAPIRegistry();
  const bearer = registry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
    description:
      "With API_TOKEN set on the server, every API request needs `Authorization: Bearer <token>`. Without it, " +
      "reads are open, and writes too only while the server listens on loopback.",
  });
  for (const { problems: statuses, ...described } of OPERATIONS) {
    const { responses, ...operation } = withConsistencyHeaders(described);
    registry.registerPath({
      ...operation,
      security: [{ [bearer.name]: [] }, {}],
      responses: { ...responses, ...problems([...statuses, ...ANY_API]) },
    });
  }
  for (const operation of HEALTH) registry.registerPath(operation);
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: "3.1.0",
    info: {
      title: "Inbox",
      version: "0.1.0",
      description: "Conversations over contacts and messages.",
      license: { name: "Proprietary: all rights reserved", identifier: "LicenseRef-Proprietary" },
      contact: { name: "Inbox maintainers" },
    },
    servers: [{ url: "/", description: "The server this document is served from" }],
    tags: [
      { name: "conversations", description: "The inbox: latest message per contact, paged and searched" },
      { name: "contacts", description: "People messages are to or from" },
      { name: "messages", description: "A contact's thread, and writes to it" },
      { name: "events", description: "The change stream: conversations as they move" },
      { name: "health", description: "Liveness and readiness" },
    ],
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
