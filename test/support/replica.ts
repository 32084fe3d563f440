import { execFileSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createStandby } from "../../bench/standby.ts";
import { createDatabaseIfMissing, withDatabase } from "../../src/db/database.ts";
import { startEmbedded } from "../../src/db/embedded.ts";
import { migrate } from "../../src/db/migrate.ts";
import { createPool } from "../../src/db/pool.ts";
import { testLogger } from "./database.ts";

/**
 * A real primary and a hot standby streaming from it, on loopback (bench/standby.ts). The primary is an
 * embedded server of its own, not the test run's: a standby copies a whole cluster.
 */
export type ReplicaPair = {
  /** The migrated `inbox` database on the primary, and the same database on the standby. */
  primaryUrl: string;
  standbyUrl: string;
  /** Superuser SQL on the standby (pg_wal_replay_pause() and resume). */
  onStandby(sql: string): Promise<void>;
  stopStandby(): Promise<void>;
  startStandby(): Promise<void>;
  stop(): Promise<void>;
};

const DATABASE = "inbox";

export async function startReplicaPair(): Promise<ReplicaPair> {
  const root = await mkdtemp(path.join(os.tmpdir(), "inbox-replica-"));
  execFileSync("chmod", ["755", root]);
  const primaryDir = path.join(root, "primary");
  const primary = await startEmbedded({ dataDir: primaryDir, port: 0, settings: {}, logger: testLogger });
  await createDatabaseIfMissing(primary.url, DATABASE);
  const primaryUrl = withDatabase(primary.url, DATABASE);
  const pool = createPool({ url: primaryUrl, size: 1, statementTimeoutMs: 0, logger: testLogger });
  await migrate(pool, testLogger);
  await pool.end();
  const standby = await createStandby(primary.url, primaryDir, path.join(root, "standby"));
  return {
    primaryUrl,
    standbyUrl: standby.url(DATABASE),
    onStandby: standby.run,
    stopStandby: standby.stop,
    startStandby: standby.start,
    async stop() {
      await standby.remove();
      await primary.stop();
      await rm(root, { recursive: true, force: true });
    },
  };
}
