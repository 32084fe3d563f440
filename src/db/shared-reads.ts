import type pg from "pg";
import { withCancellableClient } from "./cancel.ts";

/** Runs `work` for every request with the same key that joined before it got a connection. */
export type SharedReads = <T>(
  key: string,
  signal: AbortSignal | undefined,
  work: (client: pg.PoolClient) => Promise<T>,
) => Promise<T>;

type Group = { result: Promise<unknown>; join(signal: AbortSignal | undefined): void };

/**
 * Identical reads share one execution while they wait for a connection. A request joins only a read that has no
 * connection yet: that read's statement, and so its snapshot, starts after the request arrived, so the answer is
 * as fresh as running alone would give (every write committed before the request arrived is in it). Under a
 * burst of identical requests (many screens polling page 1) the database runs one statement per free connection
 * instead of one per request, and Node receives the page once. Alone, a request runs as it would without this.
 *
 * The shared statement is cancelled only when every request in it has gone away (`signal`, see cancel.ts).
 */
export function createSharedReads(pool: pg.Pool): SharedReads {
  const waiting = new Map<string, Group>();
  return (key, signal, work) => {
    let group = waiting.get(key);
    if (!group) {
      const created = startGroup(pool, work, () => {
        if (waiting.get(key) === created) waiting.delete(key);
      });
      waiting.set(key, created);
      group = created;
    }
    group.join(signal);
    return group.result as ReturnType<typeof work>;
  };
}

/**
 * `close` is called (possibly more than once) when requests may no longer join: the statement is about to start,
 * everyone in the group went away (its cancellation must not reach a newcomer), or it failed.
 */
function startGroup<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>, close: () => void): Group {
  const everyoneGone = new AbortController();
  let present = 0;
  const leavers: Array<() => void> = [];
  const leave = () => {
    present--;
    if (present > 0) return;
    close();
    everyoneGone.abort();
  };
  const result = withCancellableClient(pool, everyoneGone.signal, (client) => {
    close();
    return work(client);
  }).finally(() => {
    close();
    for (const stop of leavers) stop();
  });
  return {
    result,
    join(signal) {
      present++;
      if (!signal) return;
      if (signal.aborted) return leave();
      signal.addEventListener("abort", leave, { once: true });
      leavers.push(() => signal.removeEventListener("abort", leave));
    },
  };
}
