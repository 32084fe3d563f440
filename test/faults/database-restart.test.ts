import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { chmod, mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { countWrongPointers } from "../../src/conversations/integrity.ts";
import { createDatabaseIfMissing, withDatabase } from "../../src/db/database.ts";
import { type EmbeddedServer, startEmbedded } from "../../src/db/embedded.ts";
import { createPool } from "../../src/db/pool.ts";
import { freePort } from "../../src/db/process.ts";
import { serverSettings } from "../../src/db/settings.ts";
import { testLogger } from "../support/database.ts";
import { eventually, startServerProcess, waitForOutput } from "../support/process.ts";

const POOL_SIZE = 4;
const WORKERS = 6;
const OUTAGE_MS = 2_000;

type Outcome = { at: number; ms: number; status: number; acknowledged?: number; failure?: string };

/** Reads, searches and writes in a loop until `stop`, every answer recorded with its time and latency. */
function loadUntil(stop: { done: boolean }, api: string, contactId: number): Promise<Outcome[]>[] {
  const requests = [
    () => fetch(`${api}/conversations`),
    () => fetch(`${api}/conversations?searchValue=hello`),
    () =>
      fetch(`${api}/contacts/${contactId}/messages`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ content: "hello during a fault", direction: "inbound" }),
      }),
  ];
  return Array.from({ length: WORKERS }, async (_, worker) => {
    const outcomes: Outcome[] = [];
    for (let i = worker; !stop.done; i++) {
      const started = Date.now();
      const response = await (requests[i % requests.length] as () => Promise<Response>)().catch(
        (error: Error) => error,
      );
      if (response instanceof Error) {
        outcomes.push({
          at: started,
          ms: Date.now() - started,
          status: 0,
          failure: String(response.cause ?? response),
        });
        continue;
      }
      const body = (await response.json()) as { message_id?: number };
      outcomes.push({
        at: started,
        ms: Date.now() - started,
        status: response.status,
        ...(response.status === 201 ? { acknowledged: body.message_id } : {}),
      });
      if (response.status === 503) await sleep(20);
    }
    return outcomes;
  });
}

/** A crash, not a shutdown: the postmaster and every backend killed at once, nothing flushed or said. */
async function killPostgres(dataDir: string): Promise<void> {
  const postmaster = Number((await readFile(path.join(dataDir, "postmaster.pid"), "utf8")).split("\n")[0]);
  execFileSync("pkill", ["-KILL", "-P", String(postmaster)]);
  process.kill(postmaster, "SIGKILL");
}

test("PostgreSQL killed under load: quick 503s during the outage, recovery on its own, nothing lost", async () => {
  const root = await mkdtemp(path.join(os.tmpdir(), "inbox-fault-"));
  await chmod(root, 0o755);
  const options = {
    dataDir: path.join(root, "pg"),
    port: await freePort(),
    // The service profile: durable commits (the test profile turns fsync off).
    settings: serverSettings({ memoryBytes: 2 ** 30, cores: 1 }, "service"),
    logger: testLogger,
  };
  let postgres: EmbeddedServer | undefined = await startEmbedded(options);
  await createDatabaseIfMissing(postgres.url, "inbox");
  const url = withDatabase(postgres.url, "inbox");
  const port = await freePort();
  const api = `http://127.0.0.1:${port}`;
  const run = startServerProcess({
    DATABASE_URL: url,
    PORT: String(port),
    DB_POOL_SIZE: String(POOL_SIZE),
    DB_STATEMENT_TIMEOUT_MS: "2000",
  });
  try {
    await waitForOutput(run, "listening on");
    const contact = (await (
      await fetch(`${api}/contacts`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name: "Grace", phone_number: "+1 202 555 0143" }),
      })
    ).json()) as { id: number };

    const stop = { done: false };
    const workers = loadUntil(stop, api, contact.id);
    await sleep(500);
    const killedAt = Date.now();
    await killPostgres(options.dataDir);
    postgres = undefined;
    await sleep(OUTAGE_MS);
    // Same data directory and port: what a supervisor restarting the database does.
    await rm(`${options.dataDir}.lock`, { force: true });
    postgres = await startEmbedded(options);
    const restartedAt = Date.now();
    const ready = async () => (await fetch(`${api}/readyz`).catch(() => null))?.status === 200;
    const recovered = await eventually(ready, 10_000);
    const recoveredAt = Date.now();
    await sleep(1_000);
    stop.done = true;
    const outcomes = (await Promise.all(workers)).flat();

    assert.ok(recovered, `not ready 10 s after PostgreSQL came back:\n${run.output().slice(-2_000)}`);
    assert.equal(run.child.exitCode, null, `the server process died:\n${run.output().slice(-3_000)}`);
    const unexpected = outcomes.filter((o) => ![200, 201, 503].includes(o.status));
    const logged = run
      .output()
      .split("\n")
      .filter((line) => line.includes("request failed"))
      .map((line) => line.slice(0, 400));
    assert.deepEqual(
      unexpected,
      [],
      `every answer is a success or a 503, and every request gets one; the server logged:\n${logged.slice(0, 3).join("\n")}`,
    );
    const duringOutage = outcomes.filter((o) => o.at > killedAt + 200 && o.at + o.ms < restartedAt);
    assert.ok(duringOutage.length > 0 && duringOutage.every((o) => o.status === 503), "503 while down");
    const slowest = Math.max(...duringOutage.map((o) => o.ms));
    assert.ok(slowest < 1_000, `a request took ${slowest} ms while the database was down`);
    const afterRecovery = outcomes.filter((o) => o.at > recoveredAt);
    assert.ok(
      afterRecovery.length > 0 && afterRecovery.every((o) => o.status < 300),
      "served after recovery",
    );

    const pool = createPool({ url, size: 1, statementTimeoutMs: 30_000, logger: testLogger });
    try {
      const acknowledged = outcomes.flatMap((o) => (o.acknowledged ? [o.acknowledged] : []));
      const { rows } = await pool.query<{ found: number; connections: number }>(
        `SELECT (SELECT count(*) FROM messages WHERE id = ANY($1::bigint[]))::int AS found,
                (SELECT count(*) FROM pg_stat_activity
                  WHERE application_name = 'inbox' AND pid <> pg_backend_pid())::int AS connections`,
        [acknowledged],
      );
      assert.equal(rows[0]?.found, acknowledged.length, "every acknowledged message survived the crash");
      // Two pools of POOL_SIZE: the list pool and the main one.
      assert.ok((rows[0]?.connections ?? 0) <= 2 * POOL_SIZE, `leaked connections: ${rows[0]?.connections}`);
      assert.equal(await countWrongPointers(pool), 0);
    } finally {
      await pool.end();
    }
    run.child.kill("SIGTERM");
    assert.equal(await run.exit, 0);
  } finally {
    run.child.kill("SIGKILL");
    await postgres?.stop();
    await rm(root, { recursive: true, force: true });
  }
});
