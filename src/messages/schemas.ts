import { z } from "zod";
import { decimalInteger, strictFields } from "../http/validation.ts";

/** An offset of 16 hours or more: ISO 8601 allows up to ±23:59, PostgreSQL's timestamptz only ±15:59. */
const OFFSET_BEYOND_POSTGRES = /[+-](1[6-9]|2\d):\d\d$/;

/** How far ahead of the server's clock a client-supplied timestamp may be (clock skew, not scheduling). */
export const MAX_FUTURE_MS = 5 * 60_000;

export const createMessageBody = strictFields({
  content: z
    .string({ error: "must be a string" })
    .min(1, "must not be empty")
    .max(4096, "must be at most 4,096 characters")
    .refine((v) => !v.includes("\u0000"), "must not contain NUL characters")
    .refine((v) => v.trim().length > 0, "must not be blank")
    .openapi({ description: "Not blank, no NUL character.", example: "Is the order still on for Friday?" }),
  direction: z.enum(["inbound", "outbound"], { error: 'must be "inbound" or "outbound"' }),
  timestamp: z.iso
    .datetime({
      offset: true,
      error: "must be an ISO 8601 date-time with a time zone, e.g. 2026-01-31T23:58:21Z",
    })
    .refine((v) => !OFFSET_BEYOND_POSTGRES.test(v), "must have a time zone offset from -15:59 to +15:59")
    .refine((v) => Date.parse(v) <= Date.now() + MAX_FUTURE_MS, "must not be in the future")
    .refine((v) => Date.parse(v) >= Date.UTC(1970, 0, 1), "must not be before 1970")
    .optional()
    .openapi({
      description:
        "When the message was sent, from 1970 to 5 minutes past the server's clock, with an offset from -15:59 " +
        "to +15:59. Defaults to now.",
      example: "2026-01-31T23:58:21Z",
    }),
});

export const threadQuery = strictFields({
  limit: decimalInteger(
    z
      .number({ error: "must be an integer from 1 to 100" })
      .int("must be an integer from 1 to 100")
      .min(1, "must be an integer from 1 to 100")
      .max(100, "must be an integer from 1 to 100"),
  ).default(50),
  cursor: z.string().max(512, "is too long to be a cursor").optional(),
});

export const messageResponse = z.object({
  message_id: z.number().int(),
  contact_id: z.number().int(),
  content: z.string(),
  direction: z.enum(["inbound", "outbound"]),
  timestamp: z.string(),
});
