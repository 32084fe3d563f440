import { randomBytes } from "node:crypto";
import { type Background, startBackground } from "./background.ts";
import { createContactQueries } from "./contacts/queries.ts";
import { createCursorCodec } from "./conversations/cursor.ts";
import { createConversationQueries } from "./conversations/queries.ts";
import type { Pool } from "./db/pool.ts";
import type { Logger } from "./logger.ts";
import { createMessageQueries } from "./messages/queries.ts";

/**
 * Every domain's queries, wired once: what the app serves and the tests exercise. `listPool` serves the
 * conversation list with cached generic plans (see createPool); everything else uses `pool`. The background
 * work is started here unless given (a cluster worker is given its primary's, src/cluster/worker.ts).
 */
export async function createServices(
  { pool, listPool }: { pool: Pool; listPool: Pool },
  logger: Logger,
  options: { cursorSecret: string | undefined; warmCache: boolean; background?: Background },
) {
  if (!options.cursorSecret) logger.warn("CURSOR_SECRET is not set: cursors will not survive a restart");
  const background = options.background ?? startBackground(pool, logger, { warmCache: options.warmCache });
  return {
    cursors: createCursorCodec(options.cursorSecret ?? randomBytes(32).toString("hex")),
    conversations: createConversationQueries({ pool, listPool }, background.sample),
    contacts: createContactQueries(pool),
    messages: createMessageQueries(pool),
    sample: background.sample,
    /** Stops the background work (the sample's refresh, the signatures' repair, the cache warm-up): call on shutdown. */
    stop: () => background.stop(),
    /** Background: the database cache's warm-up after a start. */
    cache: background.cache,
    /** Resolves once the first sample is read (tests wait for it; the server does not). */
    ready: background.ready,
  };
}

export type Services = Awaited<ReturnType<typeof createServices>>;
