import { z } from "zod";
import { idParam, strictFields } from "../http/validation.ts";

/**
 * 5 to 20 digits, as the database requires, with an optional leading + and spaces ( ) - . around them. One
 * pattern, so the OpenAPI document states the whole rule. Linear: every repetition starts with a digit.
 */
const PHONE_NUMBER = /^\+?[\s().-]*(?:\d[\s().-]*){5,20}$/;

export const contactName = z
  .string({ error: "must be a string" })
  .trim()
  .min(1, "must not be empty")
  .max(255, "must be at most 255 characters")
  // PostgreSQL text cannot hold NUL, and no name needs a control character (they also break rendering).
  .refine((v) => !/\p{Cc}/u.test(v), "must not contain control characters")
  .openapi({ description: "Trimmed; no control characters.", example: "Ada Lovelace" });

export const phoneNumber = z
  .string({ error: "must be a string" })
  .trim()
  .max(40, "must be at most 40 characters")
  .regex(PHONE_NUMBER, "must be a phone number: 5 to 20 digits, with spaces and + ( ) - . between them")
  .openapi({ example: "+1 (555) 010-0199" });

export const createContactBody = strictFields({ name: contactName, phone_number: phoneNumber });

export const patchContactBody = strictFields({
  name: contactName.optional(),
  phone_number: phoneNumber.optional(),
}).refine((b) => b.name !== undefined || b.phone_number !== undefined, {
  message: "give name, phone_number or both",
  path: ["body"],
});

/** POST /contacts/:id/read: read up to one of the contact's messages, or (no message_id) up to its latest. */
export const markReadBody = strictFields({ message_id: idParam.optional() });

export const readMarkerResponse = z.object({
  contact_id: z.number().int(),
  read_up_to_message_id: z.number().int().nullable(),
  unread_count: z.number().int(),
});

export const contactResponse = z.object({
  id: z.number().int(),
  name: z.string(),
  phone_number: z.string(),
  last_message: z
    .object({
      message_id: z.number().int(),
      content: z.string(),
      timestamp: z.string(),
      direction: z.string(),
    })
    .nullable(),
});
