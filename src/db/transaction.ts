import type pg from "pg";
import { withCancellableClient } from "./cancel.ts";
import type { Pool } from "./pool.ts";

/**
 * Runs `work` in a read-only transaction with settings that apply to it alone (SET LOCAL semantics), e.g. a
 * longer statement timeout for background work, or a planner switch for one query. An abort of `signal`
 * cancels the statement running at that moment (see cancelOnAbort).
 */
export async function readOnlyWith<T>(
  pool: Pool,
  settings: Record<string, string>,
  work: (client: pg.PoolClient) => Promise<T>,
  signal?: AbortSignal,
): Promise<T> {
  return withCancellableClient(pool, signal, async (client) => {
    try {
      await client.query("BEGIN READ ONLY");
      for (const [name, value] of Object.entries(settings)) {
        await client.query("SELECT set_config($1, $2, true)", [name, value]);
      }
      const result = await work(client);
      await client.query("COMMIT");
      return result;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {});
      throw error;
    }
  });
}
