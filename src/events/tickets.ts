import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Short-lived tickets for GET /events: a browser's EventSource cannot send an Authorization header, and a
 * long-lived token in a URL ends up in logs and history. A client that holds a token asks for a ticket
 * (POST /events/tickets, with the token) and opens the stream with `?ticket=`; a ticket opens streams for a
 * minute and is signed with the server's secret (CURSOR_SECRET), so any worker accepts it.
 */
export type TicketCodec = {
  issue(now?: number): { ticket: string; expires_at: string };
  isValid(ticket: string, now?: number): boolean;
};

export const TICKET_LIFETIME_MS = 60_000;

export function createTicketCodec(secret: string): TicketCodec {
  // A key of its own: a ticket's signature can never pass for a cursor's, or the reverse.
  const key = createHmac("sha256", secret).update("inbox event-stream tickets").digest();
  const sign = (expires: string) => createHmac("sha256", key).update(expires).digest("base64url");
  return {
    issue(now = Date.now()) {
      const expires = String(now + TICKET_LIFETIME_MS);
      return { ticket: `${expires}.${sign(expires)}`, expires_at: new Date(Number(expires)).toISOString() };
    },
    isValid(ticket, now = Date.now()) {
      const [expires = "", signature = ""] = ticket.split(".");
      if (!/^[0-9]{13}$/.test(expires) || Number(expires) < now) return false;
      const expected = Buffer.from(sign(expires));
      const given = Buffer.from(signature);
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
  };
}
