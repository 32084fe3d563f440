import { type Request, type Response, Router } from "express";
import type { ConversationQueries } from "../conversations/queries.ts";
import { parseSearchTerm, type SearchTerm } from "../conversations/search-term.ts";
import { HttpError, unavailable } from "../http/errors.ts";
import type { ChangeFeed } from "./feed.ts";
import type { ConversationEvent, EventHub, FeedMessage } from "./hub.ts";
import { eventsQuery } from "./schemas.ts";
import type { TicketCodec } from "./tickets.ts";

/** The change stream of one process: its hub and the feed that fills it (services.ts). */
export type Events = { hub: EventHub; feed: ChangeFeed };

/** A stream whose client reads slower than events come is cut past this much unsent data. */
export const MAX_BUFFERED_BYTES = 256 * 1024;
/** A comment line this often keeps proxies and load balancers from closing an idle stream. */
export const HEARTBEAT_MS = 15_000;
const MAX_STREAMS = 5_000;
/** EventSource waits this long before reconnecting. */
const RETRY_MS = 2_000;

/** GET /events (Server-Sent Events) and POST /events/tickets. */
export function eventRoutes(
  events: Events | undefined,
  conversations: ConversationQueries,
  { tickets, streamsPerClient }: { tickets: TicketCodec; streamsPerClient: number },
): Router {
  const router = Router();
  const streamsOf = new Map<string, number>();
  router.post("/events/tickets", (_req, res) => {
    res.status(201).json(tickets.issue());
  });
  router.get("/events", (req, res) => {
    const query = eventsQuery.parse(req.query);
    if (!events?.feed.listening())
      throw unavailable("the change stream is not listening to the database yet");
    const lastEventId = req.get("last-event-id");
    const replay = lastEventId ? events.hub.since(lastEventId) : [];
    const client = req.ip ?? "";
    const open = streamsOf.get(client) ?? 0;
    if (open >= streamsPerClient) {
      throw new HttpError(429, "too_many_streams", `at most ${streamsPerClient} open streams per client`);
    }
    if (events.hub.listeners() >= MAX_STREAMS)
      throw unavailable("this server holds as many streams as it can");
    streamsOf.set(client, open + 1);
    const closed = () => {
      const left = (streamsOf.get(client) ?? 1) - 1;
      if (left > 0) streamsOf.set(client, left);
      else streamsOf.delete(client);
    };
    const term = parseSearchTerm(query.searchValue ?? "");
    serveStream(req, res, {
      hub: events.hub,
      replay,
      closed,
      matching: term && matcher(conversations, term),
    });
  });
  return router;
}

type Matcher = (events: ConversationEvent[]) => Promise<ConversationEvent[]>;

/**
 * The events whose conversation `term` matches. Every stream with the same term asks about the same batch:
 * one query per batch and term, however many streams share it.
 */
function matcher(conversations: ConversationQueries, term: SearchTerm): Matcher {
  return async (events) => {
    if (events.length === 0) return events;
    const byTerm = asked.get(events) ?? new Map<string, Promise<Set<number>>>();
    asked.set(events, byTerm);
    let matched = byTerm.get(term.text);
    if (!matched) {
      matched = conversations.matching(
        term,
        events.map((e) => e.contactId),
      );
      byTerm.set(term.text, matched);
    }
    const ids = await matched;
    return events.filter((e) => ids.has(e.contactId));
  };
}
const asked = new WeakMap<ConversationEvent[], Map<string, Promise<Set<number>>>>();

function serveStream(
  req: Request,
  res: Response,
  options: { hub: EventHub; replay: ConversationEvent[] | "reset"; closed(): void; matching: Matcher | null },
): void {
  const { hub, replay, matching } = options;
  res.writeHead(200, {
    "Content-Type": "text/event-stream; charset=utf-8",
    "Cache-Control": "no-cache, no-transform",
    "X-Accel-Buffering": "no",
  });
  const write = (chunk: string) => {
    if (res.destroyed) return;
    // A client that stopped reading: cut it rather than hold its backlog (it reconnects and resumes).
    if (res.writableLength > MAX_BUFFERED_BYTES) res.destroy();
    else res.write(chunk);
  };
  // A filtered stream's batches are written in order even when one waits for its query.
  let queue = Promise.resolve();
  const deliver = (events: ConversationEvent[]) => {
    if (!matching) {
      write(formatted(events));
      return;
    }
    queue = queue
      .then(() => matching(events))
      .then((shown) => write(shown.map(formatEvent).join("")))
      .catch(() => {
        res.destroy();
      });
  };
  const hear = (message: FeedMessage) => {
    if (message.kind === "events") deliver(message.events);
    else if (message.kind === "reset") write(formatReset(hub.position(), message.reason));
    else res.end();
  };
  write(`retry: ${RETRY_MS}\n\n`);
  if (replay === "reset")
    write(formatReset(hub.position(), "the events since Last-Event-ID are no longer held"));
  else deliver(replay);
  const unsubscribe = hub.subscribe(hear);
  const heartbeat = setInterval(() => write(": keep-alive\n\n"), HEARTBEAT_MS);
  req.on("close", () => {
    clearInterval(heartbeat);
    unsubscribe();
    options.closed();
  });
}

/** A batch as the unfiltered streams receive it: formatted once, however many streams it goes to. */
function formatted(events: ConversationEvent[]): string {
  let text = formattedBatches.get(events);
  if (text === undefined) {
    text = events.map(formatEvent).join("");
    formattedBatches.set(events, text);
  }
  return text;
}
const formattedBatches = new WeakMap<ConversationEvent[], string>();

const formatEvent = (event: ConversationEvent) =>
  `id: ${event.id}\nevent: conversation\ndata: ${event.data}\n\n`;

/**
 * Reload what you show: events were missed. Its id is the stream's position now, so a reconnect after the
 * reload resumes from there, not from events older than what the reload read.
 */
const formatReset = (position: string, reason: string) =>
  `id: ${position}\nevent: reset\ndata: ${JSON.stringify({ reason })}\n\n`;
