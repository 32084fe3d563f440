import { type ChildProcess, fork } from "node:child_process";
import { randomBytes } from "node:crypto";
import { writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { z } from "zod";
import { parseCommandLine } from "../src/cli-options.ts";
import { checkPassed, checkSample, describeCheck } from "../src/conversations/integrity.ts";
import { type Database, withDatabase } from "../src/db/database.ts";
import type { Pool } from "../src/db/pool.ts";
import { freePort } from "../src/db/process.ts";
import { startApi, stopChild } from "./api-process.ts";
import { measureBaseline } from "./baseline.ts";
import { type ClientRow, compareClients } from "./clients.ts";
import { openDataset } from "./dataset.ts";
import { measureLive } from "./live.ts";
import { databaseTime, ingest, type LoadResult, load } from "./load.ts";
import { compareReplicaReads, formatReplicaMarkdown } from "./replica.ts";
import {
  type DrawnTerms,
  formatMarkdown,
  liveLine,
  type Row,
  summariseClasses,
  type Workers,
  workersLine,
} from "./report.ts";
import { describeMachine, writeResults } from "./results.ts";
import { buildScenarios, type Scenario, SEARCH_GROUP } from "./scenarios.ts";
import { startScratchWrites } from "./scratch-writes.ts";
import { drawSearchTerms } from "./terms.ts";

const HELP = `Usage: npm run bench -- [options]

Runs the API over the full data set (100,000 contacts / 5,000,000 messages, seeded on first use and
reused after) and measures every scenario with autocannon on loopback: once with 1 connection
(latency) and once with --connections (throughput); then ingest, alone and beside page-1 reads; the change
stream (500 open GET /events streams while 1,000 messages/s are posted: delivery latency, memory); page 1
against the ceiling (a bare Express route) and the floor (node:http and one pg connection); and the
reference design's queries (the baseline). Latency percentiles come from every response's own time.
Search terms are drawn at random from the data, per class (1 and 2 characters, digits, names, rare to very
common words, phrases, non-ASCII, old conversations only; bench/terms.ts), and each is searched at pages 1, 5
and 10; the results give each term's figures and each class's over all its terms.
Prints a table and writes bench/results/<date>.md/.json.

Options:
  --duration N      seconds per scenario and connection count (default 10; --quick: 3)
  --connections N   connections for the throughput run (default 32)
  --scale N         N times the full data set (100,000×N contacts, 5,000,000×N messages; default 1), in
                    .data/pg-scale-N unless PG_DATA_DIR or DATABASE_URL is set; seeded on first use
  --quick           a small data set (2,000 contacts / 40,000 messages) in .data/bench-quick, 3 s per run,
                    1 search term per class: proves the benchmark works end to end (what CI runs)
  --terms-seed N    seed of the random search terms (default: from the clock); printed and written with the
                    results: the same seed on the same data draws the same terms
  --terms-per-class N
                    search terms drawn per class (default 5; --quick: 1); each costs 3 pages × 2 runs × --duration
  --replica         only compare reads served by a streaming replica with reads on the primary alone: makes a
                    standby of the embedded data set beside it (its size again on disk, removed after), and
                    writes bench/results/<date>-replica.md/.json (needs the embedded server, not DATABASE_URL)
  --content PATH    message_content.csv for seeding (default ../shared/data/message_content.csv, then
                    data/message_content.csv, else generated text)
  -h, --help        show this help

Exit codes: 0 all scenarios answered 2xx, 1 a scenario had errors or the run failed, 2 usage error.`;

/** The change stream's load (issue: 500 streams while 1,000 messages/s arrive); --quick a small one. */
const LIVE = { streams: 500, rate: 1_000 };
const QUICK_LIVE = { streams: 20, rate: 50 };

/** Seeds are 31-bit: the PRNG takes 32 bits, and a clock-drawn seed stays a short number to type again. */
const MAX_SEED = 2 ** 31 - 1;

const optionsSchema = z.object({
  duration: z.coerce.number().int().min(1).max(300).optional(),
  connections: z.coerce.number().int().min(1).max(256).default(32),
  quick: z.boolean().default(false),
  replica: z.boolean().default(false),
  scale: z.coerce.number().min(0.01).max(20).optional(),
  content: z.string().min(1).optional(),
  "terms-seed": z.coerce.number().int().min(0).max(MAX_SEED).optional(),
  "terms-per-class": z.coerce.number().int().min(1).max(50).optional(),
});

type Options = z.infer<typeof optionsSchema>;

function parseOptions(argv: string[]): Options {
  return parseCommandLine(
    argv,
    {
      duration: { type: "string" },
      connections: { type: "string" },
      quick: { type: "boolean" },
      replica: { type: "boolean" },
      scale: { type: "string" },
      content: { type: "string" },
      "terms-seed": { type: "string" },
      "terms-per-class": { type: "string" },
    },
    optionsSchema,
    HELP,
  );
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  const duration = options.duration ?? (options.quick ? 3 : 10);
  const { db, pool, size, dataDir } = await openDataset(options);
  const children: ChildProcess[] = [];
  try {
    const secret = randomBytes(24).toString("hex");
    const { url: api, child: apiProcess } = await startApi(db.url, secret, children);
    const terms = await drawTerms(pool, options);
    const scenarios = await buildScenarios(pool, secret, terms.classes);
    if (options.replica) {
      const run = { api, secret, connections: options.connections, duration, children };
      return await replicaOnly({ db, pool, dataDir, scenarios, run, quick: options.quick });
    }
    console.log(`warming up ${scenarios.length} scenarios…`);
    for (const s of scenarios) await databaseTime(api + s.path, 3);
    // A few seconds of page 1 under load before the first measured scenario (page 1 itself): the first thousands
    // of requests after a start pay for start-up work (V8 optimising the request path, every pooled connection
    // preparing its statement), not the steady state measured here. Page 1 at 1 connection, p99: 4 ms without
    // this warm-up, 1 ms with it (two full runs).
    await load(`${api}/conversations`, options.connections, Math.min(duration, 5));
    const rows: Row[] = [];
    // Every response time of the search rows, for each class's percentiles over all its terms.
    const searchTimes = new Map<Row, number[]>();
    for (const s of scenarios) {
      for (const connections of [1, options.connections]) {
        const times: number[] = [];
        const result = await load(api + s.path, connections, duration, times);
        const row = { ...s, connections, ...result, dbMs: await databaseTime(api + s.path) };
        rows.push(row);
        if (s.group.startsWith(SEARCH_GROUP)) searchTimes.set(row, times);
        console.log(line(row));
      }
    }
    const classes = summariseClasses(rows, searchTimes);
    searchTimes.clear();
    const clients = await compareClients(api, scenarios, duration);
    for (const row of clients.rows) console.log(clientLine(row));
    if (clients.note) console.log(clients.note);
    const startIngestApi = async () => {
      const second = await startApi(db.url, secret, children);
      // Below the reading process in the scheduler's eyes, as a deployment would set it (README, Performance).
      if (second.child.pid !== undefined) os.setPriority(second.child.pid, 10);
      return second.url;
    };
    const writes = await measureWrites(
      pool,
      { api, startIngestApi },
      size.contacts,
      options.connections,
      duration,
      { ...(options.quick ? QUICK_LIVE : LIVE), apiPid: apiProcess.pid },
    );
    rows.push(...writes.rows);
    for (const row of writes.rows) console.log(line(row));
    console.log(liveLine(writes.live));
    const ceiling = await measureCeilings(api, options.connections, duration, children);
    const floor = await measureFloors(api, db.url, duration, children);
    const workers = await measureWorkers(
      api,
      db.url,
      secret,
      scenarios,
      options.connections,
      duration,
      children,
    );
    const baseline = await measureBaseline(pool, options.quick ? 1 : 3);
    const report = {
      date: new Date().toISOString(),
      machine: await describeMachine(pool),
      dataset: size,
      durationSeconds: duration,
      rows,
      ceiling,
      floor,
      workers,
      mixed: writes.mixed,
      integrity: writes.integrity,
      live: writes.live,
      clients,
      baseline,
      terms,
      classes,
    };
    await writeResults(
      `${report.date.slice(0, 10)}${options.quick ? "-quick" : ""}`,
      report,
      formatMarkdown(report),
    );
    const failed = rows.filter(failedRow);
    for (const r of failed)
      console.error(
        `FAILED: ${r.group} ${r.name} (${r.connections} conn): ${r.non2xx} non-2xx ${JSON.stringify(r.statuses ?? {})}, ${r.errors} errors` +
          (r.requestsPerSecond === 0 ? ", no answer within the run" : ""),
      );
    if (!checkPassed(writes.integrity)) console.error(`FAILED: ${describeCheck(writes.integrity)}`);
    return failed.length > 0 || !checkPassed(writes.integrity) ? 1 : 0;
  } finally {
    // The API server drains and closes its pool before PostgreSQL stops under it.
    await Promise.all(children.map(stopChild));
    await pool.end();
    await db.close();
  }
}

/**
 * `--replica`: the list's pages and the first page of each class's first term, through an API reading from a
 * standby of this data set and through the one on the primary alone (bench/replica.ts).
 */
async function replicaOnly({
  db,
  pool,
  dataDir,
  scenarios,
  run,
  quick,
}: {
  db: Database;
  pool: Pool;
  dataDir: string | undefined;
  scenarios: Scenario[];
  run: Parameters<typeof compareReplicaReads>[2];
  quick: boolean;
}): Promise<number> {
  if (!dataDir) {
    console.error("--replica makes a standby of the embedded server: it cannot with DATABASE_URL set");
    return 2;
  }
  const firstPages = new Set<string>();
  const chosen = scenarios.filter((s) => {
    if (s.group === "list") return ["page 1", "page 100", "cursor at depth"].includes(s.name);
    if (!s.name.endsWith(" page 1") || firstPages.has(s.group)) return false;
    firstPages.add(s.group);
    return true;
  });
  const target = {
    databaseUrl: db.url,
    serverUrl: withDatabase(db.url, "postgres"),
    dataDir,
    database: "inbox",
  };
  const comparison = await compareReplicaReads(target, chosen, run);
  const date = new Date().toISOString();
  const machineLine = await describeMachine(pool);
  await writeResults(
    `${date.slice(0, 10)}-replica${quick ? "-quick" : ""}`,
    { date, machine: machineLine, ...comparison },
    formatReplicaMarkdown(date, machineLine, comparison),
  );
  const failed = comparison.rows.filter(
    (r) => r.replica.non2xx + r.replica.errors + r.alone.non2xx + r.alone.errors > 0,
  );
  for (const r of failed) console.error(`FAILED: ${r.scenario} (${r.connections} conn)`);
  return failed.length > 0 || comparison.source !== "replica-1" ? 1 : 0;
}

/** Draws the search terms (terms.ts) and prints them with the seed that draws them again. */
async function drawTerms(pool: Pool, options: Options): Promise<DrawnTerms> {
  const seed = options["terms-seed"] ?? Date.now() % MAX_SEED;
  const perClass = options["terms-per-class"] ?? (options.quick ? 1 : 5);
  const started = performance.now();
  const classes = await drawSearchTerms(pool, { seed, perClass });
  console.log(
    `search terms (--terms-seed ${seed}, ${perClass} per class, drawn in ${((performance.now() - started) / 1000).toFixed(1)} s):`,
  );
  for (const c of classes)
    console.log(`  ${c.group}: ${c.terms.map((t) => JSON.stringify(t)).join(", ") || "(none found)"}`);
  return { seed, perClass, classes };
}

function clientLine(r: ClientRow): string {
  const ms = (v: number) => v.toFixed(2).padStart(7);
  return `${`two clients | ${r.scenario}`.padEnd(52)} ${r.client.padEnd(10)} p50${ms(r.p50)}  p90${ms(r.p90)}  p99${ms(r.p99)}  p99.9${ms(r.p999)}  max${ms(r.max)}`;
}

/** Errors, non-2xx answers, or no answer at all within the run (requests slower than the run itself). */
const failedRow = (r: Row) => r.non2xx > 0 || r.errors > 0 || r.requestsPerSecond === 0;

function line(r: Row): string {
  const ms = (v: number) => v.toFixed(1).padStart(7);
  return `${`${r.group} | ${r.name}`.padEnd(52)} ${String(r.connections).padStart(3)} conn ${Math.round(r.requestsPerSecond).toString().padStart(7)} req/s  p50${ms(r.p50)}  p99${ms(r.p99)}  max${ms(r.max)}  db ${r.dbMs?.toFixed(2) ?? "-"} ms${failedRow(r) ? "  FAILED" : ""}`;
}

/**
 * Ingest through the API alone (after a warm-up), then together with page-1 reads on one connection, whose p99
 * is compared with the same reads measured alone just before (the machine drifts over a run, so the read-only
 * row measured minutes earlier would not do): first with both in the one API process, then with the posts sent
 * to a second API process at a lower CPU priority (writes on their own instances). Afterwards the data set is
 * as before (scratch-writes.ts).
 */
async function measureWrites(
  pool: Pool,
  apis: { api: string; startIngestApi: () => Promise<string> },
  contacts: number,
  connections: number,
  duration: number,
  live: { streams: number; rate: number; apiPid: number | undefined },
) {
  const { api } = apis;
  const scratch = await startScratchWrites(pool);
  const write = { group: "write", path: "/contacts/:id/messages", dbMs: null, connections };
  const read = { group: "write", path: "/conversations", dbMs: null, connections: 1 };
  // Warm-up, as the reads had: the first inserts after a start read index pages (the content trigram index
  // above all) from disk, which is not the steady state being measured.
  await ingest(api, contacts, connections, Math.min(duration, 5));
  const alone = {
    ...write,
    name: "ingest (POST message)",
    ...(await ingest(api, contacts, connections, duration)),
  };
  const withReads = async (writeApi: string, where: string) => {
    const readOnly = await load(`${api}/conversations`, 1, duration);
    const [during, reads] = await Promise.all([
      ingest(writeApi, contacts, connections, duration),
      load(`${api}/conversations`, 1, duration),
    ]);
    const rows: Row[] = [
      { ...read, name: `page 1 read, just before ingest${where}`, ...readOnly },
      { ...write, name: `ingest${where}, with page-1 reads`, ...during },
      { ...read, name: `page 1 read, during ingest${where}`, ...reads },
    ];
    return {
      rows,
      mixed: { ingestPerSecond: during.requestsPerSecond, readP99: reads.p99, readOnlyP99: readOnly.p99 },
    };
  };
  const together = await withReads(api, "");
  const ingestApi = await apis.startIngestApi();
  await ingest(ingestApi, contacts, connections, Math.min(duration, 5));
  const apart = await withReads(ingestApi, " via a second API process");
  const streams = await measureLive(api, live.apiPid, contacts, { ...live, seconds: duration });
  // The contacts just written to are the newest conversations: the sampled check starts with them.
  const integrity = await checkSample(pool);
  console.log(describeCheck(integrity));
  await scratch.undo();
  return {
    rows: [alone, ...together.rows, ...apart.rows],
    mixed: { ...together.mixed, apart: apart.mixed },
    integrity,
    live: streams,
  };
}

/**
 * Page 1 at `connections` against the two ceilings (see ceiling-server.ts), measured back to back so that the
 * machine's drift (20-40% between runs) falls on all three alike: the share is of the first ceiling, Express as
 * shipped, the one the target names.
 */
async function measureCeilings(api: string, connections: number, duration: number, children: ChildProcess[]) {
  const body = Buffer.from(await (await fetch(`${api}/conversations`)).arrayBuffer());
  const file = path.join(os.tmpdir(), `inbox-ceiling-${process.pid}.json`);
  await writeFile(file, body);
  const start = (mode: "shipped" | "prototypes") =>
    startBenchServer("bench/ceiling-server.ts", (port) => [file, port, mode], children);
  const [shippedUrl, prototypesUrl] = [await start("shipped"), await start("prototypes")];
  const shipped = await load(shippedUrl, connections, duration);
  const page1 = await load(`${api}/conversations`, connections, duration);
  const prototypes = await load(prototypesUrl, connections, duration);
  const share = page1.requestsPerSecond / shipped.requestsPerSecond;
  console.log(
    `ceiling (bare Express, same ${body.length}-byte body): ${Math.round(shipped.requestsPerSecond)} req/s as shipped, ` +
      `${Math.round(prototypes.requestsPerSecond)} with requests born with its prototypes; ` +
      `page 1 beside them ${Math.round(page1.requestsPerSecond)} req/s (${Math.round(share * 100)}%)`,
  );
  return { shipped, prototypes, page1, share };
}

/**
 * Page 1 and the first search scenario at `connections` on the API as measured above (one HTTP worker) and on a
 * second API process with two workers, back to back. On a machine with as many cores as workers, the database
 * shares them too: what bounds the second worker is printed beside it.
 */
async function measureWorkers(
  api: string,
  databaseUrl: string,
  secret: string,
  scenarios: Awaited<ReturnType<typeof buildScenarios>>,
  connections: number,
  duration: number,
  children: ChildProcess[],
): Promise<Workers> {
  const search = scenarios.find((s) => s.group.startsWith(SEARCH_GROUP)) ?? scenarios[0];
  if (!search) throw new Error("no scenario to measure the workers with");
  const { url: clustered } = await startApi(databaseUrl, secret, children, 2);
  const both = async (url: string) => ({
    page1: await load(`${url}/conversations`, connections, duration),
    search: await load(url + search.path, connections, duration),
  });
  await load(`${clustered}/conversations`, connections, Math.min(duration, 3));
  const result = {
    connections,
    search: `${search.group} ${search.name}`,
    one: await both(api),
    two: await both(clustered),
  };
  console.log(workersLine(result));
  return result;
}

/**
 * Page 1 through the API at 1 connection against the floor (see floor-server.ts), back to back: node:http and
 * one pg connection running a constant statement, then the page-1 statement. Latency only: this is where the
 * page-1 p99 target meets what the machine allows any Node server that asks PostgreSQL.
 */
async function measureFloors(api: string, databaseUrl: string, duration: number, children: ChildProcess[]) {
  const start = (mode: "constant" | "page-1") =>
    startBenchServer("bench/floor-server.ts", (port) => [databaseUrl, port, mode], children);
  const [constantUrl, statementUrl] = [await start("constant"), await start("page-1")];
  await load(statementUrl, 1, Math.min(duration, 3));
  const constant = await load(constantUrl, 1, duration);
  const statement = await load(statementUrl, 1, duration);
  const page1 = await load(`${api}/conversations`, 1, duration);
  const p99 = (r: LoadResult) => `${r.p99.toFixed(1)} ms`;
  console.log(
    `floor (node:http + one pg connection), p99 at 1 connection: a constant ${p99(constant)}, ` +
      `the page-1 statement ${p99(statement)}; page 1 through the API beside them ${p99(page1)}`,
  );
  return { constant, statement, page1 };
}

/** Forks a bench server (it sends a message once listening) on a free port; resolves to its page URL. */
async function startBenchServer(script: string, args: (port: string) => string[], children: ChildProcess[]) {
  const port = String(await freePort());
  const child = fork(script, args(port), { execArgv: ["--import", "tsx"] });
  children.push(child);
  await new Promise((resolve) => child.once("message", resolve));
  return `http://127.0.0.1:${port}/conversations`;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
