import { createConversationQueries } from "./src/conversations/queries.ts";
import { createPool } from "./src/db/pool.ts";
import { createLogger } from "./src/logger.ts";

const logger = createLogger("warn", false);
for (const size of [1, 8]) {
  const pool = createPool({ url: process.argv[2] as string, size, statementTimeoutMs: 5000, logger });
  const q = createConversationQueries(pool, {
    current: () => ({ conversations: [], sampledMessages: 0, totalConversations: 0, totalMessages: 0 }),
    refresh: async () => {},
    stop: () => {},
  });
  for (let i = 0; i < 100; i++) await q.list({ after: null, offset: 0, limit: 50 });
  let db = 0;
  const t = performance.now();
  for (let i = 0; i < 1000; i++) db += (await q.list({ after: null, offset: 0, limit: 50 })).dbMs;
  console.log(
    `pool ${size}: total ${((performance.now() - t) / 1000).toFixed(3)} ms, db ${(db / 1000).toFixed(3)} ms`,
  );
  await pool.end();
}
