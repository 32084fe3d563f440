import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { chmod, mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { startEmbedded } from "../src/db/embedded.ts";
import { freePort, isProcessAlive, waitForExit } from "../src/db/process.ts";
import { serverSettings } from "../src/db/settings.ts";
import { createTestDatabase, type TestDatabase, testLogger } from "./support/database.ts";
import {
  childrenOf,
  eventually,
  processesMentioning,
  type ServerRun,
  startNpmStart,
  startServerProcess,
  waitForOutput,
} from "./support/process.ts";

describe("the server process", () => {
  let db: TestDatabase;
  before(async () => {
    db = await createTestDatabase();
  });
  after(async () => db.drop());

  test("starts, answers health checks, and exits 0 on SIGTERM", async () => {
    const port = await freePort();
    const run = startServerProcess({ DATABASE_URL: db.url, PORT: String(port) });
    await waitForOutput(run, `listening on http://127.0.0.1:${port}`);
    assert.equal((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 200);
    assert.equal((await fetch(`http://127.0.0.1:${port}/readyz`)).status, 200);
    // At LOG_LEVEL=info (what startServerProcess sets) each request is logged under its id.
    await fetch(`http://127.0.0.1:${port}/conversations`, { headers: { "x-request-id": "trace-7" } });
    await waitForOutput(run, '"id":"trace-7","method":"GET","path":"/conversations"');
    run.child.kill("SIGTERM");
    assert.equal(await run.exit, 0);
  });

  test("a port in use: a clear message and exit 1", async () => {
    const blocker = createServer().listen(0, "127.0.0.1");
    await new Promise((r) => blocker.once("listening", r));
    const port = (blocker.address() as { port: number }).port;
    const run = startServerProcess({ DATABASE_URL: db.url, PORT: String(port) });
    assert.equal(await run.exit, 1);
    assert.match(run.output(), new RegExp(`127\\.0\\.0\\.1:${port}.*already in use`));
    blocker.close();
  });

  test("an unreachable database: bounded retries, then exit 1 naming the host", async () => {
    const run = startServerProcess({
      DATABASE_URL: "postgresql://u:p@127.0.0.1:9/inbox",
      DB_CONNECT_RETRIES: "1",
    });
    assert.equal(await run.exit, 1);
    assert.match(run.output(), /cannot reach PostgreSQL at 127\.0\.0\.1:9 after 2 attempts/);
  });

  test("a bad setting stops the process naming the variable", async () => {
    const run = startServerProcess({ PORT: "not-a-port" });
    assert.equal(await run.exit, 1);
    assert.match(run.output(), /PORT/);
  });
});

describe("npm start under a supervisor (embedded PostgreSQL)", () => {
  // One data directory for every run: each start also proves the previous stop left it free.
  let root: string;
  let dataDir: string;
  before(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), "inbox-npm-start-"));
    await chmod(root, 0o755);
    dataDir = path.join(root, "pg");
  });
  after(async () => {
    for (const { pid } of await processesMentioning(dataDir)) process.kill(pid, "SIGKILL");
    await rm(root, { recursive: true, force: true });
  });

  async function npmStart(workers = 2): Promise<ServerRun & { port: string }> {
    const run = startNpmStart({
      PG_DATA_DIR: dataDir,
      PORT: "0",
      DATABASE_URL: "",
      DB_WARM_CACHE: "false",
      WEB_CONCURRENCY: String(workers),
    });
    await waitForOutput(run, "Inbox listening on http://127.0.0.1:", 60_000);
    const port = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(run.output())?.[1] as string;
    assert.equal((await fetch(`http://127.0.0.1:${port}/readyz`)).status, 200);
    return { ...run, port };
  }

  /** The pids of the HTTP workers that said they listen, in order. */
  const workerPids = (run: ServerRun) =>
    [...run.output().matchAll(/"pid":(\d+),"msg":"HTTP worker listening"/g)].map((m) => Number(m[1]));

  async function assertNothingLeft(timeoutMs: number): Promise<void> {
    const gone = await eventually(async () => (await processesMentioning(dataDir)).length === 0, timeoutMs);
    assert.ok(gone, `left running: ${JSON.stringify(await processesMentioning(dataDir))}`);
  }

  for (const [signal, target, workers] of [
    ["SIGTERM", "npm", 2],
    ["SIGINT", "npm", 2],
    ["SIGTERM", "node", 1],
  ] as const) {
    test(`${signal} to ${target}'s pid, ${workers} HTTP worker(s): the server drains and stops PostgreSQL, npm exits 0, nothing is left`, async () => {
      const run = await npmStart(workers);
      const npmPid = run.child.pid as number;
      const [nodePid] = await childrenOf(npmPid);
      assert.ok(nodePid, "npm start runs node as its child");
      process.kill(target === "npm" ? npmPid : nodePid, signal);
      assert.equal(await run.exit, 0, run.output());
      assert.match(run.output(), new RegExp(`"reason":"${signal}","msg":"shutting down`));
      assert.match(run.output(), /embedded PostgreSQL stopped/);
      await assertNothingLeft(2_000);
      for (const pid of workerPids(run))
        assert.equal(isProcessAlive(pid), false, `worker ${pid} left running`);
    });
  }

  test("two HTTP workers share the port; a killed one is replaced; a stop ends them all", async () => {
    const run = await npmStart(2);
    await eventually(async () => workerPids(run).length === 2, 20_000);
    const [first, second] = workerPids(run) as [number, number];
    const page = async () => (await fetch(`http://127.0.0.1:${run.port}/conversations?limit=1`)).status;
    assert.deepEqual(await Promise.all([page(), page(), page(), page()]), [200, 200, 200, 200]);
    process.kill(first, "SIGKILL");
    await waitForOutput(run, '"msg":"HTTP worker exited; starting another"');
    assert.ok(await eventually(async () => workerPids(run).length === 3, 20_000), run.output());
    assert.deepEqual(await Promise.all([page(), page(), page(), page()]), [200, 200, 200, 200]);
    run.child.kill("SIGTERM");
    assert.equal(await run.exit, 0, run.output());
    await assertNothingLeft(2_000);
    for (const pid of [second, ...workerPids(run).slice(2)]) assert.equal(isProcessAlive(pid), false);
  });

  test("npm killed without a signal to the server: it notices its parent is gone and stops, nothing is left", async () => {
    const run = await npmStart();
    run.child.kill("SIGKILL");
    await run.exit;
    await assertNothingLeft(15_000);
    assert.match(run.output(), /"reason":"parent exited"/);
    assert.match(run.output(), /embedded PostgreSQL stopped/);
  });
});

describe("the embedded server", () => {
  test("refuses a second instance on the same data directory, and is reused after a stop", async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), "inbox-embedded-"));
    await chmod(root, 0o755);
    const options = {
      dataDir: path.join(root, "pg"),
      port: 0,
      settings: serverSettings({ memoryBytes: 2 ** 30, cores: 1 }, "test"),
      logger: testLogger,
    };
    try {
      const first = await startEmbedded(options);
      await assert.rejects(startEmbedded(options), /in use by another running instance/);
      await first.stop();
      const again = await startEmbedded(options);
      await again.stop();
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe("the embedded server when its owner is killed", () => {
  test("SIGKILL of the app: the watchdog stops PostgreSQL, leaving no orphan", async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), "inbox-orphan-"));
    await chmod(root, 0o755);
    const dataDir = path.join(root, "pg");
    const script = `
      import { startEmbedded } from "./src/db/embedded.ts";
      import { serverSettings } from "./src/db/settings.ts";
      import { createLogger } from "./src/logger.ts";
      await startEmbedded({ dataDir: ${JSON.stringify(dataDir)}, port: 0, logger: createLogger("silent", false),
        settings: serverSettings({ memoryBytes: 2 ** 30, cores: 1 }, "test") });
      console.log("started");
      setInterval(() => {}, 1000);`;
    const owner = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    try {
      await new Promise<void>((resolve, reject) => {
        owner.stdout?.on("data", (chunk) => String(chunk).includes("started") && resolve());
        owner.once("exit", () => reject(new Error("the owner exited before starting PostgreSQL")));
      });
      const postmaster = Number(
        (await readFile(path.join(dataDir, "postmaster.pid"), "utf8")).split("\n")[0],
      );
      assert.ok(isProcessAlive(postmaster));
      owner.kill("SIGKILL");
      assert.ok(await waitForExit(postmaster, 15_000), "PostgreSQL still running after its owner was killed");
    } finally {
      owner.kill("SIGKILL");
      await rm(root, { recursive: true, force: true });
    }
  });
});
