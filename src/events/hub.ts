import { InvalidInputError } from "../errors.ts";

/**
 * The change stream inside one process: what the feed (feed.ts) publishes, the recent past a reconnecting
 * client resumes from, and the open streams it fans out to. Event ids are `<epoch>.<sequence>`: the epoch
 * names one unbroken run of the feed (a new one after a restart or a lost listening connection, when events
 * may have been missed), the sequence orders events within it.
 */

/** One conversation that changed: `data` is the JSON text sent, `{contact_id, conversation}`. */
export type ConversationEvent = { id: string; contactId: number; data: string };

/**
 * What the feed publishes: events, or a new epoch (what came before it may be incomplete); and what the hub
 * tells its streams when the server stops.
 */
export type FeedMessage =
  | { kind: "events"; events: ConversationEvent[] }
  | { kind: "reset"; epoch: string; reason: string }
  | { kind: "closing" };

export type EventHub = {
  publish(message: FeedMessage): void;
  /**
   * The events after `lastEventId`, or "reset" when they are no longer all held (another epoch, or older than
   * the buffer). Throws InvalidInputError for an id this stream cannot have issued.
   */
  since(lastEventId: string): ConversationEvent[] | "reset";
  /** `listener` hears every message published from now on; call the returned function to stop. */
  subscribe(listener: (message: FeedMessage) => void): () => void;
  /** The id of the last event published (`<epoch>.0` before any): where a stream starting now resumes. */
  position(): string;
  /** How many streams are open. */
  listeners(): number;
  /** The server stops: every stream is told to end (so the drain does not wait for them). */
  close(): void;
};

/** How many recent events a reconnecting client can resume from. */
export const HELD_EVENTS = 5_000;

const EVENT_ID = /^([0-9a-f]{8})\.([0-9]{1,15})$/;

export function createEventHub(initialEpoch: string): EventHub {
  let epoch = initialEpoch;
  let held: ConversationEvent[] = [];
  let lastSequence = 0;
  const listeners = new Set<(message: FeedMessage) => void>();
  const sequenceOf = (id: string) => Number(id.slice(id.indexOf(".") + 1));
  return {
    publish(message) {
      if (message.kind === "reset") {
        epoch = message.epoch;
        held = [];
        lastSequence = 0;
      } else if (message.kind === "events") {
        held.push(...message.events);
        if (held.length > HELD_EVENTS) held = held.slice(held.length - HELD_EVENTS);
        const last = message.events.at(-1);
        if (last) lastSequence = sequenceOf(last.id);
      }
      for (const listener of listeners) listener(message);
    },
    since(lastEventId) {
      const parts = EVENT_ID.exec(lastEventId);
      if (!parts)
        throw new InvalidInputError("Last-Event-ID", "is not an event id of this stream (<epoch>.<n>)");
      if (parts[1] !== epoch) return "reset";
      const sequence = Number(parts[2]);
      if (sequence > lastSequence) throw new InvalidInputError("Last-Event-ID", "is ahead of this stream");
      const oldest = held[0] ? sequenceOf(held[0].id) : lastSequence + 1;
      // Everything after `sequence` must still be held: the next one is the oldest held, or later.
      if (sequence + 1 < oldest) return "reset";
      return held.filter((event) => sequenceOf(event.id) > sequence);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    position: () => `${epoch}.${lastSequence}`,
    listeners: () => listeners.size,
    close() {
      for (const listener of listeners) listener({ kind: "closing" });
      listeners.clear();
    },
  };
}
