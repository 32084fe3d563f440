import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { freePort } from "../../src/db/process.ts";
import { eventually } from "./process.ts";

/**
 * A real PgBouncer (Debian's `pgbouncer` package) in transaction pooling mode in front of the test server:
 * every database name passes through to the server's database of that name. Few server connections per
 * database, so the app's pools (more clients than that) really share them transaction by transaction.
 */
export type PgBouncer = {
  /** `url` (a test database on the server) as reached through the pooler. */
  through(url: string): string;
  stop(): Promise<void>;
};

export const SERVER_CONNECTIONS_PER_DATABASE = 2;

/** Where the binary is, or undefined when the package is not installed. */
export function pgbouncerBinary(): string | undefined {
  for (const candidate of ["/usr/sbin/pgbouncer", "/usr/bin/pgbouncer"]) {
    try {
      execFileSync(candidate, ["--version"], { stdio: "ignore" });
      return candidate;
    } catch {}
  }
  return undefined;
}

export async function startPgBouncer(binary: string, serverUrl: string): Promise<PgBouncer> {
  const server = new URL(serverUrl);
  const port = await freePort();
  const dir = await mkdtemp(path.join(os.tmpdir(), "inbox-pgbouncer-"));
  // As root, pgbouncer drops to `postgres` (-u), which must read its files.
  await chmod(dir, 0o755);
  const user = decodeURIComponent(server.username);
  const password = decodeURIComponent(server.password);
  await writeFile(path.join(dir, "users.txt"), `"${user}" ""\n`, { mode: 0o644 });
  await writeFile(
    path.join(dir, "pgbouncer.ini"),
    [
      "[databases]",
      // The embedded server is reached on its Unix socket when the URL names one (`?host=`).
      `* = host=${server.searchParams.get("host") ?? server.hostname} port=${server.port} user=${user} password=${password}`,
      "[pgbouncer]",
      "listen_addr = 127.0.0.1",
      `listen_port = ${port}`,
      "unix_socket_dir =",
      "auth_type = trust",
      `auth_file = ${path.join(dir, "users.txt")}`,
      "pool_mode = transaction",
      `default_pool_size = ${SERVER_CONNECTIONS_PER_DATABASE}`,
      "max_client_conn = 500",
      `admin_users = ${user}`,
      "",
    ].join("\n"),
    { mode: 0o644 },
  );
  const asRoot = process.getuid?.() === 0 ? ["-u", "postgres"] : [];
  const child: ChildProcess = spawn(binary, [...asRoot, path.join(dir, "pgbouncer.ini")], {
    stdio: "ignore",
  });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const through = (url: string) => {
    const target = new URL(url);
    return `postgresql://${encodeURIComponent(user)}@127.0.0.1:${port}${target.pathname}`;
  };
  const stop = async () => {
    child.kill("SIGTERM");
    await exited;
    await rm(dir, { recursive: true, force: true });
  };
  const up = await eventually(() => accepts(through(serverUrl)), 10_000);
  if (!up) {
    await stop();
    throw new Error("pgbouncer did not accept connections within 10 s");
  }
  return { through, stop };
}

async function accepts(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    await client.query("SELECT 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}
