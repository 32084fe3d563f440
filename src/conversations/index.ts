import { randomBytes } from "node:crypto";
import type { Pool } from "../db/pool.ts";
import type { Logger } from "../logger.ts";
import { createCursorCodec } from "./cursor.ts";
import { createConversationQueries } from "./queries.ts";
import type { ConversationDeps } from "./routes.ts";
import { createSampleKeeper, type SampleKeeper } from "./search-sample.ts";

const SAMPLE_REFRESH_MS = 5 * 60_000;

/** Everything GET /conversations needs, wired; `sample.stop()` on shutdown. */
export async function createConversations(
  pool: Pool,
  logger: Logger,
  cursorSecret: string | undefined,
): Promise<ConversationDeps & { sample: SampleKeeper }> {
  if (!cursorSecret) logger.warn("CURSOR_SECRET is not set: cursors will not survive a restart");
  const sample = createSampleKeeper(pool, logger, SAMPLE_REFRESH_MS);
  await sample.refresh();
  return {
    queries: createConversationQueries(pool, sample),
    cursors: createCursorCodec(cursorSecret ?? randomBytes(32).toString("hex")),
    sample,
  };
}
