import { randomBytes } from "node:crypto";
import { type Background, startBackground } from "./background.ts";
import { createContactQueries } from "./contacts/queries.ts";
import { createCursorCodec } from "./conversations/cursor.ts";
import { createConversationQueries } from "./conversations/queries.ts";
import type { Pool } from "./db/pool.ts";
import { createReadRouter, type ReadRouter, type ReplicaPools } from "./db/replicas.ts";
import { newEpoch, startChangeFeed } from "./events/feed.ts";
import { createEventHub } from "./events/hub.ts";
import type { Events } from "./events/routes.ts";
import { createTicketCodec } from "./events/tickets.ts";
import type { Logger } from "./logger.ts";
import { createMessageQueries } from "./messages/queries.ts";

/**
 * Every domain's queries, wired once: what the app serves and the tests exercise. `listPool` serves the
 * conversation list with cached generic plans (see createPool); everything else uses `pool`. With
 * `replicas`, reads go to them through `reads` (src/db/replicas.ts); writes and the background stay here. The background
 * work is started here unless given (a cluster worker is given its primary's, src/cluster/worker.ts). With
 * `changesUrl` (a direct connection), the process listens for changes and serves them on GET /events.
 */
export async function createServices(
  { pool, listPool, replicas = [] }: { pool: Pool; listPool: Pool; replicas?: ReplicaPools[] },
  logger: Logger,
  options: {
    cursorSecret: string | undefined;
    warmCache: boolean;
    background?: Background;
    changesUrl?: string;
    /** REPLICA_MAX_LAG_MS: needed with `replicas`. */
    replicaMaxLagMs?: number;
  },
) {
  if (!options.cursorSecret) logger.warn("CURSOR_SECRET is not set: cursors will not survive a restart");
  const secret = options.cursorSecret ?? randomBytes(32).toString("hex");
  const background = options.background ?? startBackground(pool, logger, { warmCache: options.warmCache });
  const readsOn = (pools: { pool: Pool; listPool: Pool }): ReadQueries => ({
    conversations: createConversationQueries(pools, background.sample),
    contacts: createContactQueries(pools.pool),
    messages: createMessageQueries(pools.pool),
  });
  const { conversations, contacts, messages } = readsOn({ pool, listPool });
  const reads = createReadRouter(
    { name: "primary", pool, queries: { conversations, contacts, messages } },
    replicas.map((r) => ({ name: r.name, pool: r.pool, queries: readsOn(r) })),
    { maxLagMs: options.replicaMaxLagMs ?? 0, logger },
  );
  const events = options.changesUrl ? startEvents(options.changesUrl, conversations, logger) : undefined;
  return {
    cursors: createCursorCodec(secret),
    tickets: createTicketCodec(secret),
    conversations,
    events,
    contacts,
    messages,
    reads,
    sample: background.sample,
    /** Ends the event streams (before the HTTP drain, which would wait for them otherwise). */
    closeStreams: () => events?.hub.close(),
    /**
     * Stops the background work (the sample's refresh, the signatures' repair, the cache warm-up) and the
     * change feed: call on shutdown.
     */
    stop: () => {
      background.stop();
      reads.stop();
      events?.hub.close();
      return events?.feed.stop();
    },
    /** Background: the database cache's warm-up after a start. */
    cache: background.cache,
    /** Resolves once the first sample is read (tests wait for it; the server does not). */
    ready: background.ready,
  };
}

export type Services = Awaited<ReturnType<typeof createServices>>;

/** What a read can run on a replica: each domain's queries over that server's pools (only reads are used). */
export type ReadQueries = {
  conversations: ReturnType<typeof createConversationQueries>;
  contacts: ReturnType<typeof createContactQueries>;
  messages: ReturnType<typeof createMessageQueries>;
};

export type Reads = ReadRouter<ReadQueries>;

function startEvents(
  url: string,
  conversations: ReturnType<typeof createConversationQueries>,
  logger: Logger,
): Events {
  const epoch = newEpoch();
  const hub = createEventHub(epoch);
  const feed = startChangeFeed({ url, epoch, rowsOf: conversations.rowsOf, publish: hub.publish }, logger);
  return { hub, feed };
}
