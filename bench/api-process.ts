import { type ChildProcess, fork } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { freePort } from "../src/db/process.ts";

/** The API server (`src/server.ts`) as a child process over `databaseUrl`, as it runs in production. */
export type ApiProcess = { url: string; child: ChildProcess };

/**
 * `workers`: WEB_CONCURRENCY; the scenarios run on one process, the workers comparison on more. `extraEnv`:
 * more configuration (the replica comparison's DATABASE_READ_URLS).
 */
export async function startApi(
  databaseUrl: string,
  secret: string,
  children: ChildProcess[],
  workers = 1,
  extraEnv: Record<string, string> = {},
): Promise<ApiProcess> {
  const port = await freePort();
  const child = fork("src/server.ts", [], {
    execArgv: ["--import", "tsx"],
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      CURSOR_SECRET: secret,
      WEB_CONCURRENCY: String(workers),
      SEED_ON_START: "false",
      NODE_ENV: "production",
      LOG_LEVEL: "warn",
      // The change stream's measurement opens its streams from one address.
      EVENT_STREAMS_PER_CLIENT: "10000",
      ...extraEnv,
    },
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
  children.push(child);
  const url = `http://127.0.0.1:${port}`;
  // Ready, the search planner's sample read and the cache warm: before that it would measure the fallback
  // plans and the disk.
  for (let i = 0; i < 900; i++) {
    if (child.exitCode !== null) throw new Error("the API server exited during start-up");
    const ready = await fetch(`${url}/readyz`).then(
      async (r) => {
        const body = (await r.json()) as { searchSample?: string; cache?: { state: string } };
        return r.ok && body.searchSample === "loaded" && body.cache?.state !== "warming";
      },
      () => false,
    );
    if (ready) return { url, child };
    await sleep(200);
  }
  throw new Error("the API server did not become ready within 180 s");
}

/** SIGTERM (the server drains and closes its pools), SIGKILL after 15 s. */
export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill("SIGKILL"), 15_000);
    child.once("exit", () => {
      clearTimeout(force);
      resolve();
    });
    child.kill("SIGTERM");
  });
}
