import type { Logger } from "../logger.ts";
import { isConnectionFailure, isUnreachable, sqlstate } from "./errors.ts";
import { parseLsn } from "./lsn.ts";
import { createPool, type Pool, type PoolOptions } from "./pool.ts";

/**
 * Reads spread over streaming replicas, with read-your-writes. Each process polls the primary's WAL position
 * and each replica's replay position every POLL_MS; from the two it knows how far behind each replica is, in
 * time (lag) and in WAL (whether it has replayed a given write). A read goes round robin to a replica that is up,
 * within `maxLagMs`, and, when the client names a write, past it; otherwise to the primary, at once (a
 * replica lagging behind one write is likely behind the next).
 */

export const POLL_MS = 200;
/** How long the primary's positions are remembered: a replica behind all of them is at least this far behind. */
const HISTORY_MS = 60_000;

export type Target<T> = { name: string; pool: Pool; queries: T };

/** A replica's two pools, as the primary has them: the list's (generic plans) and the rest's. */
export type ReplicaPools = { name: string; pool: Pool; listPool: Pool };

/** DATABASE_READ_URLS' pools, named replica-1, replica-2… in the order given (URLs hold passwords: never logged). */
export function createReplicaPools(
  urls: readonly string[],
  options: Omit<PoolOptions, "url">,
): ReplicaPools[] {
  return urls.map((url, i) => ({
    name: `replica-${i + 1}`,
    pool: createPool({ ...options, url }),
    listPool: createPool({ ...options, url, plans: "generic" }),
  }));
}

export type ReplicaStatus = {
  name: string;
  state: "starting" | "up" | "lagging" | "down";
  lagMs: number | null;
  reason?: string;
};

type Replica<T> = Target<T> & {
  status: ReplicaStatus;
  replayed: bigint;
  probing: boolean;
};

export type ReadRouter<T> = {
  /** Whether any replica is configured: without one, every read runs on the primary and no token is issued. */
  readonly enabled: boolean;
  /** `read` on a replica that has replayed `after` (a write's position), or on the primary; says which. */
  run<R>(after: bigint | undefined, read: (queries: T) => Promise<R>): Promise<{ result: R; source: string }>;
  /** The primary's WAL position now: asked after a write commits, a position at or past its commit record. */
  position(): Promise<bigint>;
  status(): ReplicaStatus[];
  /** Resolves once every replica has been probed once (tests wait for it; the server does not). */
  readonly ready: Promise<void>;
  stop(): void;
};

export function createReadRouter<T>(
  primary: Target<T>,
  targets: Target<T>[],
  { maxLagMs, logger }: { maxLagMs: number; logger: Logger },
): ReadRouter<T> {
  const replicas: Replica<T>[] = targets.map((t) => ({
    ...t,
    status: { name: t.name, state: "starting", lagMs: null },
    replayed: 0n,
    probing: false,
  }));
  const history: Array<{ lsn: bigint; at: number }> = [];
  let next = 0;

  const setStatus = (replica: Replica<T>, status: Omit<ReplicaStatus, "name">) => {
    const was = replica.status.state;
    replica.status = { name: replica.name, ...status };
    if (was === status.state || (was === "starting" && status.state === "up")) return;
    const line = { replica: replica.name, lagMs: status.lagMs, reason: status.reason };
    if (status.state === "up") logger.info(line, "replica back in rotation");
    else logger.warn(line, `replica out of rotation: ${status.state}`);
  };

  const probe = async (replica: Replica<T>) => {
    if (replica.probing) return;
    replica.probing = true;
    try {
      const { rows } = await replica.pool.query<{ recovery: boolean; replay: string | null }>(
        "SELECT pg_is_in_recovery() AS recovery, pg_last_wal_replay_lsn()::text AS replay",
      );
      const row = rows[0];
      if (!row?.recovery || row.replay === null) {
        return setStatus(replica, { state: "down", lagMs: null, reason: "not a standby in recovery" });
      }
      replica.replayed = parseLsn(row.replay);
      const lagMs = lagOf(replica.replayed, history, performance.now());
      setStatus(replica, { state: lagMs > maxLagMs ? "lagging" : "up", lagMs: Math.round(lagMs) });
    } catch (error) {
      setStatus(replica, { state: "down", lagMs: null, reason: String((error as Error).message ?? error) });
    } finally {
      replica.probing = false;
    }
  };

  const position = async () => {
    const { rows } = await primary.pool.query<{ lsn: string }>("SELECT pg_current_wal_lsn()::text AS lsn");
    return parseLsn(rows[0]?.lsn ?? "0/0");
  };

  const poll = async () => {
    try {
      const now = performance.now();
      history.push({ lsn: await position(), at: now });
      while ((history[0]?.at ?? now) < now - HISTORY_MS) history.shift();
    } catch {
      // The primary away: the requests say so; the replicas keep their last state until it is back.
      return;
    }
    await Promise.all(replicas.map(probe));
  };

  if (replicas.length > 0) {
    logger.info({ replicas: replicas.map((r) => r.name), maxLagMs }, "reads go to streaming replicas");
  }
  const ready = replicas.length > 0 ? poll() : Promise.resolve();
  const timer = replicas.length > 0 ? setInterval(poll, POLL_MS) : undefined;
  timer?.unref();

  const pick = (after: bigint | undefined): Replica<T> | undefined => {
    for (let tried = 0; tried < replicas.length; tried++) {
      const replica = replicas[(next + tried) % replicas.length] as Replica<T>;
      if (replica.status.state !== "up" || (after !== undefined && replica.replayed < after)) continue;
      next = (next + tried + 1) % replicas.length;
      return replica;
    }
    return undefined;
  };

  return {
    enabled: replicas.length > 0,
    async run(after, read) {
      const replica = pick(after);
      if (!replica) return { result: await read(primary.queries), source: primary.name };
      try {
        return { result: await read(replica.queries), source: replica.name };
      } catch (error) {
        if (!isReplicaFailure(error)) throw error;
        setStatus(replica, { state: "down", lagMs: null, reason: String((error as Error).message) });
        return { result: await read(primary.queries), source: primary.name };
      }
    },
    position,
    status: () => replicas.map((r) => r.status),
    ready: ready.then(() => {}),
    stop: () => clearInterval(timer),
  };
}

/**
 * How long ago the primary first wrote past what the replica has replayed: 0 when it has replayed the primary's
 * latest known position. Known to within one poll.
 */
export function lagOf(
  replayed: bigint,
  history: ReadonlyArray<{ lsn: bigint; at: number }>,
  now: number,
): number {
  const ahead = history.find((sample) => sample.lsn > replayed);
  return ahead ? now - ahead.at : 0;
}

/**
 * The replica itself failed, not the read: its connection is gone or refused, it is shutting down or starting,
 * or replay cancelled the statement (a recovery conflict, 40001). The primary answers instead.
 */
function isReplicaFailure(error: unknown): boolean {
  const code = sqlstate(error);
  if (code) return code === "40001" || code.startsWith("57P") || code.startsWith("08");
  // A replica's host name that no longer resolves (ENOTFOUND) is that replica gone, too.
  return (
    isConnectionFailure(error) ||
    isUnreachable(error) ||
    (error as NodeJS.ErrnoException).code === "ENOTFOUND"
  );
}
