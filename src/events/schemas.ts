import { z } from "zod";
import { searchValue } from "../conversations/schemas.ts";
import { strictFields } from "../http/validation.ts";

export const eventsQuery = strictFields({
  searchValue: searchValue.optional().openapi({
    description:
      "Only conversations this search matches (as `GET /conversations?searchValue=` would list them).",
  }),
  ticket: z.string().max(200, "is too long to be a ticket").optional().openapi({
    description: "From `POST /events/tickets`: stands in for the Authorization header, for a minute.",
  }),
});

export const ticketResponse = z
  .object({ ticket: z.string(), expires_at: z.string() })
  .openapi("EventTicket", { description: "Opens event streams until `expires_at`." });
