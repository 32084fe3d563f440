import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import autocannon from "autocannon";
import { z } from "zod";
import { parseCommandLine } from "../src/cli-options.ts";
import { countWrongPointers } from "../src/conversations/integrity.ts";
import { startApi, stopChild } from "./api-process.ts";
import { openDataset } from "./dataset.ts";
import { describeMachine, writeResults } from "./results.ts";
import { startScratchWrites } from "./scratch-writes.ts";

const HELP = `Usage: npm run soak -- [options]

Holds a mixed load on the API for a while and checks it came through whole: 60% conversation-list pages,
20% searches, 20% new messages, at 80% of the capacity measured just before (a short unthrottled run).
Reports each window's throughput and latency, the API process's memory at start and end, errors, and after
the run the data checks (messages written = messages acknowledged, every last-message pointer exact).
The messages it wrote are deleted afterwards. Results in bench/results/soak-<date>.md/.json.

Options:
  --duration N      seconds of soak (default 300; --quick: 30)
  --window N        seconds per reported window (default 60; --quick: 10)
  --connections N   concurrent clients (default 32)
  --quick           the small data set of npm run bench --quick (what CI runs)
  -h, --help        show this help

Exit codes: 0 no error and every check passed, 1 otherwise, 2 usage error.`;

const optionsSchema = z.object({
  duration: z.coerce.number().int().min(5).max(3_600).optional(),
  window: z.coerce.number().int().min(2).max(600).optional(),
  connections: z.coerce.number().int().min(1).max(256).default(32),
  quick: z.boolean().default(false),
});

const SEARCH_TERMS = ["the", "movie", "basketball", "tarantino", "smith", "555", "q"];
const LINES = ["On my way!", "Thanks, received.", "Is the shop open on Sunday?"];
/** Memory may grow while caches warm up; more than this over the soak is a leak to look at. */
const MAX_RSS_GROWTH = 1.5;

type Window = {
  second: number;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  max: number;
  errors: number;
};

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)] as T;

/**
 * Writes sent, and the ids of those acknowledged (201). A write in flight when a window ends is stored but
 * never heard back by autocannon, so: every acknowledged id stored, and acknowledged ≤ stored ≤ sent.
 */
type Writes = { sent: number; acknowledged: number[] };

/** The mix, as autocannon requests (each connection cycles through them); writes count their 201s. */
function mixedRequests(contacts: number, writes: Writes): autocannon.Request[] {
  const list = { method: "GET" as const, path: "/conversations" };
  const deepPage = {
    setupRequest: (r: autocannon.Request) => ({
      ...r,
      path: `/conversations?page=${1 + Math.floor(Math.random() * 100)}`,
    }),
  };
  const search = {
    setupRequest: (r: autocannon.Request) => ({
      ...r,
      path: `/conversations?searchValue=${pick(SEARCH_TERMS)}&page=${1 + Math.floor(Math.random() * 3)}`,
    }),
  };
  const write = {
    method: "POST" as const,
    headers: { "content-type": "application/json" },
    setupRequest: (r: autocannon.Request) => {
      writes.sent++;
      return {
        ...r,
        path: `/contacts/${1 + Math.floor(Math.random() * contacts)}/messages`,
        body: JSON.stringify({ content: pick(LINES), direction: pick(["inbound", "outbound"]) }),
      };
    },
    onResponse: (status: number, body: string) => {
      if (status === 201) writes.acknowledged.push((JSON.parse(body) as { message_id: number }).message_id);
    },
  };
  return [list, deepPage, search, list, write, list, deepPage, search, list, write];
}

async function run(
  url: string,
  connections: number,
  seconds: number,
  requests: autocannon.Request[],
  rate?: number,
) {
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    requests,
    ...(rate ? { overallRate: rate } : {}),
  });
  return {
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    errors: result.errors + result.timeouts + result.non2xx,
  };
}

async function rssMb(child: ChildProcess): Promise<number> {
  const status = await readFile(`/proc/${child.pid}/status`, "utf8").catch(() => "");
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
  return Math.round(kb / 1024);
}

async function main(): Promise<number> {
  const options = parseCommandLine(
    process.argv.slice(2),
    {
      duration: { type: "string" },
      window: { type: "string" },
      connections: { type: "string" },
      quick: { type: "boolean" },
    },
    optionsSchema,
    HELP,
  );
  const duration = options.duration ?? (options.quick ? 30 : 300);
  const windowSeconds = Math.min(duration, options.window ?? (options.quick ? 10 : 60));
  const { db, pool, size } = await openDataset({ quick: options.quick });
  const children: ChildProcess[] = [];
  try {
    const { rows: before } = await pool.query<{ count: number }>(
      "SELECT count(*)::int AS count FROM messages",
    );
    const scratch = await startScratchWrites(pool);
    const api = await startApi(db.url, randomBytes(24).toString("hex"), children);
    const writes: Writes = { sent: 0, acknowledged: [] };
    const requests = mixedRequests(size.contacts, writes);
    const capacity = await run(api.url, options.connections, options.quick ? 3 : 10, requests);
    const rate = Math.max(1, Math.round(capacity.requestsPerSecond * 0.8));
    console.log(
      `capacity of the mix: ${Math.round(capacity.requestsPerSecond)} req/s; soaking at ${rate} req/s`,
    );
    const rssStart = await rssMb(api.child);
    const windows: Window[] = [];
    for (let second = 0; second < duration; second += windowSeconds) {
      const result = await run(
        api.url,
        options.connections,
        Math.min(windowSeconds, duration - second),
        requests,
        rate,
      );
      windows.push({ second, ...result });
      console.log(
        `${String(second).padStart(5)} s  ${Math.round(result.requestsPerSecond)} req/s  p50 ${result.p50} ms  p99 ${result.p99} ms  max ${result.max} ms  errors ${result.errors}  rss ${await rssMb(api.child)} MB`,
      );
    }
    const rssEnd = await rssMb(api.child);
    await stopChild(api.child);

    const { rows: after } = await pool.query<{ count: number; found: number }>(
      "SELECT count(*)::int AS count, count(*) FILTER (WHERE id = ANY($1::bigint[]))::int AS found FROM messages",
      [writes.acknowledged],
    );
    const stored = (after[0]?.count ?? 0) - (before[0]?.count ?? 0);
    const acknowledgedStored = after[0]?.found ?? 0;
    const checks = {
      errors: windows.reduce((n, w) => n + w.errors, 0) + capacity.errors,
      messagesSent: writes.sent,
      messagesAcknowledged: writes.acknowledged.length,
      acknowledgedStored,
      messagesStored: stored,
      wrongPointers: await countWrongPointers(pool),
      rssStartMb: rssStart,
      rssEndMb: rssEnd,
    };
    await scratch.undo();

    const failures = [
      checks.errors > 0 && `${checks.errors} errors or non-2xx answers`,
      acknowledgedStored !== writes.acknowledged.length &&
        `${writes.acknowledged.length - acknowledgedStored} acknowledged messages are missing`,
      stored > writes.sent && `${stored} messages stored but only ${writes.sent} sent`,
      checks.wrongPointers > 0 && `${checks.wrongPointers} contacts with a wrong last-message pointer`,
      rssEnd > rssStart * MAX_RSS_GROWTH && `memory grew from ${rssStart} to ${rssEnd} MB`,
    ].filter((f): f is string => typeof f === "string");
    const report = {
      date: new Date().toISOString(),
      machine: await describeMachine(pool),
      dataset: size,
      connections: options.connections,
      rate,
      capacity,
      windows,
      checks,
      failures,
    };
    await writeResults(
      `soak-${report.date.slice(0, 10)}${options.quick ? "-quick" : ""}`,
      report,
      soakMarkdown(report),
    );
    for (const failure of failures) console.error(`FAILED: ${failure}`);
    return failures.length > 0 ? 1 : 0;
  } finally {
    await Promise.all(children.map(stopChild));
    await pool.end();
    await db.close();
  }
}

function soakMarkdown(r: {
  date: string;
  machine: string;
  dataset: { contacts: number; messages: number };
  connections: number;
  rate: number;
  windows: Window[];
  checks: Record<string, number>;
  failures: string[];
}): string {
  const rows = r.windows.map(
    (w) =>
      `| ${w.second} | ${Math.round(w.requestsPerSecond)} | ${w.p50} | ${w.p99} | ${w.max} | ${w.errors} |`,
  );
  return [
    `# Soak, ${r.date}`,
    "",
    `${r.machine}; ${r.dataset.contacts.toLocaleString("en")} contacts / ${r.dataset.messages.toLocaleString("en")} messages; ${r.connections} connections at ${r.rate} req/s (80% of the measured capacity of the mix: 60% list pages, 20% searches, 20% new messages).`,
    "",
    "| from second | req/s | p50 ms | p99 ms | max ms | errors |",
    "| ---: | ---: | ---: | ---: | ---: | ---: |",
    ...rows,
    "",
    `API process RSS: ${r.checks.rssStartMb} MB at start, ${r.checks.rssEndMb} MB at end.`,
    `Messages sent: ${r.checks.messagesSent}; acknowledged: ${r.checks.messagesAcknowledged}, all of them stored: ${r.checks.acknowledgedStored === r.checks.messagesAcknowledged ? "yes" : "NO"}; stored in all: ${r.checks.messagesStored} (the rest were in flight when a window ended); contacts with a wrong last-message pointer: ${r.checks.wrongPointers}.`,
    "",
    r.failures.length === 0 ? "Result: passed." : `Result: FAILED: ${r.failures.join("; ")}.`,
    "",
  ].join("\n");
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
