import type { ChildProcess } from "node:child_process";
import { machine } from "../src/config.ts";
import { createPool } from "../src/db/pool.ts";
import { serverSettings } from "../src/db/settings.ts";
import { startCacheWarmUp } from "../src/db/warm-up.ts";
import { createLogger } from "../src/logger.ts";
import { startApi, stopChild } from "./api-process.ts";
import { databaseTime, type LoadResult, load } from "./load.ts";
import type { Scenario } from "./scenarios.ts";
import { createStandby } from "./standby.ts";

/**
 * `npm run bench -- --replica`: the same reads from an API whose reads go to a streaming replica
 * (DATABASE_READ_URLS) and from one on the primary alone, back to back per scenario. On one machine both servers
 * share its cores and the replica adds no capacity: this measures what the routing costs, not what a second
 * machine gains.
 */
export type ReplicaRow = {
  scenario: string;
  connections: number;
  alone: LoadResult;
  replica: LoadResult;
};

export type ReplicaComparison = { rows: ReplicaRow[]; source: string; standbyReadyMs: number };

export async function compareReplicaReads(
  target: { databaseUrl: string; serverUrl: string; dataDir: string; database: string },
  scenarios: Scenario[],
  run: { api: string; secret: string; connections: number; duration: number; children: ChildProcess[] },
): Promise<ReplicaComparison> {
  const started = performance.now();
  const standby = await createStandby(
    target.serverUrl,
    target.dataDir,
    `${target.dataDir}-standby`,
    serverSettings(machine, "service", { replication: true }),
  );
  try {
    const standbyReadyMs = performance.now() - started;
    await warmStandby(standby.url(target.database));
    const split = await startApi(target.databaseUrl, run.secret, run.children, 1, {
      DATABASE_READ_URLS: standby.url(target.database),
    });
    const source = (await fetch(`${split.url}/conversations`)).headers.get("x-read-source") ?? "none";
    for (const s of scenarios) await databaseTime(split.url + s.path, 3);
    const rows: ReplicaRow[] = [];
    for (const s of scenarios) {
      for (const connections of s.group === "list" ? [1, run.connections] : [1]) {
        const alone = await load(run.api + s.path, connections, run.duration);
        const replica = await load(split.url + s.path, connections, run.duration);
        rows.push({ scenario: `${s.group} · ${s.name}`, connections, alone, replica });
        console.log(replicaLine(rows.at(-1) as ReplicaRow));
      }
    }
    await stopChild(split.child);
    return { rows, source, standbyReadyMs };
  } finally {
    await standby.remove();
  }
}

/** Its own cache, as the primary's warm-up fills the primary's: a copied data directory starts cold. */
async function warmStandby(url: string): Promise<void> {
  const logger = createLogger("warn", false);
  const pool = createPool({ url, size: 1, statementTimeoutMs: 0, logger });
  try {
    await startCacheWarmUp(pool, logger).done;
  } finally {
    await pool.end();
  }
}

export function replicaLine(r: ReplicaRow): string {
  const ms = (v: number) => v.toFixed(2).padStart(7);
  const side = (x: LoadResult) =>
    `${Math.round(x.requestsPerSecond).toString().padStart(6)} req/s p50${ms(x.p50)} p99${ms(x.p99)}`;
  return `${`replica | ${r.scenario}`.padEnd(46)} ${String(r.connections).padStart(3)} conn  primary ${side(r.alone)}  replica ${side(r.replica)}`;
}

export function formatReplicaMarkdown(date: string, machineLine: string, c: ReplicaComparison): string {
  const lines = [
    `# Reads from a replica against the primary alone, ${date}`,
    "",
    `Machine: ${machineLine}. One API process each, same data set; the standby on the same machine (a copy made in ${(c.standbyReadyMs / 1000).toFixed(0)} s, its cache warmed). Reads of the second API answered by: ${c.source}.`,
    "",
    "| scenario | conn | primary alone req/s | p50 | p99 | via replica req/s | p50 | p99 | replica / primary req/s |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
  ];
  for (const r of c.rows) {
    const ratio = r.alone.requestsPerSecond > 0 ? r.replica.requestsPerSecond / r.alone.requestsPerSecond : 0;
    lines.push(
      `| ${r.scenario} | ${r.connections} | ${Math.round(r.alone.requestsPerSecond)} | ${r.alone.p50.toFixed(2)} | ${r.alone.p99.toFixed(2)} | ${Math.round(r.replica.requestsPerSecond)} | ${r.replica.p50.toFixed(2)} | ${r.replica.p99.toFixed(2)} | ${ratio.toFixed(2)} |`,
    );
  }
  return `${lines.join("\n")}\n`;
}
