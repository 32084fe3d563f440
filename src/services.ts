import { randomBytes } from "node:crypto";
import { createContactQueries } from "./contacts/queries.ts";
import { createCursorCodec } from "./conversations/cursor.ts";
import { createConversationQueries } from "./conversations/queries.ts";
import { createSampleKeeper } from "./conversations/search-sample.ts";
import { startSignatureRefresh } from "./conversations/signature-refresh.ts";
import type { Pool } from "./db/pool.ts";
import { cacheWarmUpOff, startCacheWarmUp } from "./db/warm-up.ts";
import type { Logger } from "./logger.ts";
import { createMessageQueries } from "./messages/queries.ts";

const SAMPLE_REFRESH_MS = 5 * 60_000;
const SIGNATURE_REFRESH_MS = 5 * 60_000;

/**
 * Every domain's queries, wired once: what the app serves and the tests exercise. `listPool` serves the
 * conversation list with cached generic plans (see createPool); everything else uses `pool`.
 */
export async function createServices(
  { pool, listPool }: { pool: Pool; listPool: Pool },
  logger: Logger,
  { cursorSecret, warmCache }: { cursorSecret: string | undefined; warmCache: boolean },
) {
  if (!cursorSecret) logger.warn("CURSOR_SECRET is not set: cursors will not survive a restart");
  const sample = createSampleKeeper(pool, logger, SAMPLE_REFRESH_MS);
  const firstSample = sample.refresh().catch((error: unknown) => {
    logger.warn(
      { err: error },
      "reading the search sample failed; searches use index plans until the next refresh",
    );
  });
  const cache = warmCache ? startCacheWarmUp(pool, logger) : cacheWarmUpOff;
  const signatureRefresh = startSignatureRefresh(pool, logger, SIGNATURE_REFRESH_MS);
  return {
    cursors: createCursorCodec(cursorSecret ?? randomBytes(32).toString("hex")),
    conversations: createConversationQueries({ pool, listPool }, sample),
    contacts: createContactQueries(pool),
    messages: createMessageQueries(pool),
    sample,
    /** Stops the background work (the sample's refresh, the signatures' repair, the cache warm-up): call on shutdown. */
    stop: () => {
      sample.stop();
      signatureRefresh.stop();
      cache.stop();
    },
    /** Background: the database cache's warm-up after a start. */
    cache,
    /** Resolves once the first sample is read (tests wait for it; the server does not). */
    ready: firstSample,
  };
}

export type Services = Awaited<ReturnType<typeof createServices>>;
