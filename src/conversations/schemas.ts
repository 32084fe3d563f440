import { z } from "zod";
import { decimalInteger, strictFields } from "../http/validation.ts";

export const MAX_PAGE = 10_000;
export const DEFAULT_LIMIT = 50;
// Unicode category Cc: C0 controls (NUL, newline, …), DEL and C1 controls.
const CONTROL_CHARACTERS = /\p{Cc}/u;

/** A search value, as the list and the change stream take it. */
export const searchValue = z
  .string()
  .max(200, "must be at most 200 characters")
  .refine((v) => !CONTROL_CHARACTERS.test(v), "must not contain control characters");

export const conversationsQuery = strictFields({
  page: decimalInteger(
    z
      .number({ error: "must be a positive integer" })
      .max(MAX_PAGE, `must be at most ${MAX_PAGE}; use the cursor to go further`)
      .int("must be a positive integer")
      .min(1, "must be a positive integer"),
  )
    .optional()
    .openapi({
      description:
        "Page number, from 1; not with `cursor`. Prefer `cursor` past the first pages: it costs the same at any depth.",
    }),
  limit: decimalInteger(
    z
      .number({ error: "must be an integer from 1 to 100" })
      .int("must be an integer from 1 to 100")
      .min(1, "must be an integer from 1 to 100")
      .max(100, "must be an integer from 1 to 100"),
  )
    .default(DEFAULT_LIMIT)
    .openapi({ description: "Conversations per page." }),
  searchValue: searchValue.optional().openapi({
    description:
      "Case-insensitive substring of a message's content, the contact's name or phone number (digits match whatever the formatting). `%`, `_` and `\\` are literal. No control characters.",
  }),
  cursor: z.string().max(512, "is too long to be a cursor").optional().openapi({
    description: "The `X-Next-Cursor` of the previous page; continues right after it. Not with `page`.",
  }),
  unread: z
    .enum(["true", "false"], { error: "must be true or false" })
    .transform((v) => v === "true")
    .optional()
    .openapi({
      description:
        "`true`: only conversations with unread inbound messages (`unread_count` > 0). Not with `searchValue` yet.",
    }),
})
  .refine((q) => !(q.page !== undefined && q.cursor !== undefined), {
    message: "use either page or cursor, not both",
    path: ["page"],
  })
  .refine((q) => !(q.unread && q.searchValue), {
    message: "cannot be combined with searchValue yet: search all conversations, or list the unread ones",
    path: ["unread"],
  });

const messageFields = {
  message_id: z.number().int(),
  content: z.string(),
  timestamp: z.string().openapi({ description: "ISO 8601, UTC", example: "2026-01-31T23:58:21.000Z" }),
};

export const conversation = z
  .object({
    ...messageFields,
    direction: z.enum(["inbound", "outbound"]),
    contact_id: z.number().int(),
    name: z.string(),
    phone_number: z.string(),
    unread_count: z.number().int().openapi({
      description: "Inbound messages after the contact's read marker (`POST /contacts/{id}/read` moves it).",
    }),
    match: z.object(messageFields).optional().openapi({
      description: "With searchValue, when message content matched: the most recent matching message.",
    }),
  })
  .openapi("Conversation", { description: "A contact and its most recent message." });

export const problem = z
  .object({
    type: z.literal("about:blank").openapi({ description: "The status says what kind of problem it is" }),
    title: z.string().openapi({ description: "The status's phrase", example: "Bad Request" }),
    status: z.number().int(),
    code: z.string().openapi({
      description: "Stable and machine-readable: what to branch on",
      example: "invalid_parameter",
    }),
    detail: z.string().openapi({ description: "For people: what was wrong, naming the field" }),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
    requestId: z.string().optional().openapi({ description: "Also in X-Request-Id and in the log lines" }),
  })
  .openapi("Problem", { description: "RFC 9457 problem details" });
