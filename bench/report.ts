import { describeCheck, type SampleCheck } from "../src/conversations/integrity.ts";
import type { Baseline } from "./baseline.ts";
import type { ClientComparison } from "./clients.ts";
import { type LiveResult, TIMED_STREAMS } from "./live.ts";
import { type LoadResult, percentile } from "./load.ts";
import { type Scenario, SEARCH_GROUP } from "./scenarios.ts";
import type { TermClass } from "./terms.ts";

export type Row = Scenario & LoadResult & { connections: number; dbMs: number | null };

/** How the search terms were drawn (terms.ts): the seed draws the same terms again on the same data. */
export type DrawnTerms = { seed: number; perClass: number; classes: TermClass[] };

/**
 * A class of search terms at one connection count: every response of all its terms and pages together, so a
 * class's p99 is its slowest hundredth of requests, whichever terms they were.
 */
export type ClassSummary = {
  group: string;
  connections: number;
  requests: number;
  p50: number;
  p99: number;
  max: number;
  /** Median and highest of its scenarios' median database times. */
  dbMedian: number | null;
  dbMax: number | null;
};

type Report = {
  date: string;
  machine: string;
  dataset: { contacts: number; messages: number };
  durationSeconds: number;
  rows: Row[];
  ceiling: { shipped: LoadResult; prototypes: LoadResult; page1: LoadResult; share: number };
  floor: { constant: LoadResult; statement: LoadResult; page1: LoadResult };
  workers: Workers;
  baseline: Baseline;
  mixed: Mixed & { apart: Mixed };
  /** The sampled integrity check after the ingest runs, before their rows were removed. */
  integrity: SampleCheck;
  live: LiveResult;
  clients: ClientComparison;
  terms: DrawnTerms;
  classes: ClassSummary[];
};

/** Ingest beside page-1 reads on one connection, and those reads' p99 alone just before. */
type Mixed = { ingestPerSecond: number; readP99: number; readOnlyP99: number };

const f = (v: number, digits = 1) => v.toFixed(digits);

const mixedLoad = (m: Mixed) =>
  `${Math.round(m.ingestPerSecond)} messages/s ingested while page-1 reads on one connection had p99 ${f(m.readP99)} ms ` +
  `against ${f(m.readOnlyP99)} ms alone just before (${f(m.readP99 / m.readOnlyP99, 2)}×)`;

/** Per class and connection count, over the response times `times` holds for each search row. */
export function summariseClasses(rows: Row[], times: Map<Row, number[]>): ClassSummary[] {
  const byClass = new Map<string, Row[]>();
  for (const row of rows.filter((r) => r.group.startsWith(SEARCH_GROUP))) {
    const key = `${row.group}\u0000${row.connections}`;
    const members = byClass.get(key) ?? [];
    members.push(row);
    byClass.set(key, members);
  }
  return [...byClass.values()].map((members) => {
    const all = members.flatMap((r) => times.get(r) ?? []).sort((a, b) => a - b);
    const db = members.flatMap((r) => (r.dbMs === null ? [] : [r.dbMs])).sort((a, b) => a - b);
    const first = members[0] as Row;
    return {
      group: first.group.slice(SEARCH_GROUP.length),
      connections: first.connections,
      requests: all.length,
      p50: percentile(all, 0.5),
      p99: percentile(all, 0.99),
      max: percentile(all, 1),
      dbMedian: db.length > 0 ? percentile(db, 0.5) : null,
      dbMax: db.length > 0 ? percentile(db, 1) : null,
    };
  });
}

const ms = (v: number | null) => (v === null ? "-" : f(v, 2));

/** The drawn terms, class by class, and each class's figures over all its terms and pages. */
function termLines({ terms, classes }: Report): string[] {
  // Code spans: a term such as "q~" must not start markdown's strikethrough with the next one.
  const listed = terms.classes.map(
    (c) => `${c.group}: ${c.terms.length > 0 ? c.terms.map((t) => `\`${t}\``).join(", ") : "(none found)"}`,
  );
  return [
    `Search terms: drawn at random from the data (bench/terms.ts) with \`--terms-seed ${terms.seed}\`, ${terms.perClass} per class, each at pages 1, 5 and 10: ${listed.join("; ")}.`,
    "",
    "Per class, over every response of all its terms and pages:",
    "",
    "| class | conn | requests | p50 | p99 | max | db median | db max |",
    "|---|---:|---:|---:|---:|---:|---:|---:|",
    ...classes.map(
      (c) =>
        `| ${c.group} | ${c.connections} | ${c.requests} | ${f(c.p50)} | ${f(c.p99)} | ${f(c.max)} | ${ms(c.dbMedian)} | ${ms(c.dbMax)} |`,
    ),
    "",
  ];
}

/** The scenarios both load generators measured at one connection, back to back. */
function clientLines({ rows, note }: ClientComparison): string[] {
  return [
    "Two independent clients at one connection, back to back (autocannon, then wrk):",
    "",
    "| scenario | client | req/s | p50 | p90 | p99 | p99.9 | max |",
    "|---|---|---:|---:|---:|---:|---:|---:|",
    ...rows.map(
      (r) =>
        `| ${r.scenario} | ${r.client} | ${Math.round(r.requestsPerSecond)} | ${f(r.p50, 2)} | ${f(r.p90, 2)} | ${f(r.p99, 2)} | ${f(r.p999, 2)} | ${f(r.max, 2)} |`,
    ),
    "",
    ...(note ? [note, ""] : []),
  ];
}

/** Page 1 and a search at the throughput run's connections, served by one HTTP worker and by two. */
export type Workers = {
  connections: number;
  search: string;
  one: { page1: LoadResult; search: LoadResult };
  two: { page1: LoadResult; search: LoadResult };
};

export function workersLine({ connections, search, one, two }: Workers): string {
  const rate = (r: LoadResult) => Math.round(r.requestsPerSecond);
  const ratio = (a: LoadResult, b: LoadResult) => (b.requestsPerSecond / a.requestsPerSecond).toFixed(2);
  return (
    `HTTP workers (WEB_CONCURRENCY; every row above ran on 1), ${connections} connections, back to back: ` +
    `page 1 ${rate(one.page1)} req/s with 1, ${rate(two.page1)} with 2 (×${ratio(one.page1, two.page1)}), p99 ${f(one.page1.p99)} / ${f(two.page1.p99)} ms; ` +
    `${search} ${rate(one.search)} / ${rate(two.search)} req/s (×${ratio(one.search, two.search)}), p99 ${f(one.search.p99)} / ${f(two.search.p99)} ms.`
  );
}

/** The change stream under load (live.ts), one line. */
export function liveLine(live: LiveResult): string {
  const share = live.expected === 0 ? 0 : (100 * live.delivered) / live.expected;
  const memory =
    live.rssPerStreamKb === null ? "" : `, ${f(live.rssPerStreamKb, 0)} kB of API memory per stream`;
  return (
    `Change stream: ${live.streams} open streams while ${Math.round(live.postsPerSecond)} messages/s were posted ` +
    `(${live.postErrors} failed): delivery from post to stream p50 ${f(live.latency.p50)} / p99 ${f(live.latency.p99)} / ` +
    `p99.9 ${f(live.latency.p999)} / max ${f(live.latency.max)} ms over ${live.delivered.toLocaleString("en-US")} receipts ` +
    `on ${Math.min(live.streams, TIMED_STREAMS)} of the streams (${f(share, 1)}% of posts × those)${memory}; page 1 beside them p50 ${f(live.page1.p50)} / p99 ${f(live.page1.p99)} ms.`
  );
}

export function formatMarkdown(report: Report): string {
  const { rows, ceiling, baseline } = report;
  const page1 = rows.find((r) => r.name === "page 1" && r.connections === 1);
  const lines = [
    `# Benchmark ${report.date.slice(0, 10)}`,
    "",
    `Machine: ${report.machine}. Data: ${report.dataset.contacts.toLocaleString("en-US")} contacts, ${report.dataset.messages.toLocaleString("en-US")} messages. ${report.durationSeconds} s per run, loopback, autocannon (wrk beside it in the two-client table). Latencies in ms; db = median database time from Server-Timing.`,
    "",
    "| scenario | | conn | req/s | p50 | p90 | p99 | p99.9 | max | db | non-2xx |",
    "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ...rows.map(
      (r) =>
        `| ${r.group} | ${r.name} | ${r.connections} | ${Math.round(r.requestsPerSecond)} | ${f(r.p50)} | ${f(r.p90)} | ${f(r.p99)} | ${f(r.p999)} | ${f(r.max)} | ${r.dbMs === null ? "-" : f(r.dbMs, 2)} | ${r.requestsPerSecond === 0 ? "**no answer**" : r.non2xx + r.errors > 0 ? `**${r.non2xx + r.errors}**` : 0} |`,
    ),
    "",
    ...termLines(report),
    ...clientLines(report.clients),
    `Mixed load: ${mixedLoad(report.mixed)}. With the posts sent to a second API process (nice 10): ${mixedLoad(report.mixed.apart)}.`,
    "",
    liveLine(report.live),
    "",
    `After the ingest runs, ${describeCheck(report.integrity).replace(/^integrity: /, "")}.`,
    "",
    `Ceiling (bare Express 5 route, same body from memory), measured back to back with page 1 at the same connections: ` +
      `${Math.round(ceiling.shipped.requestsPerSecond)} req/s as Express ships; page 1 ${Math.round(ceiling.page1.requestsPerSecond)} req/s, **${Math.round(ceiling.share * 100)}%** of it. ` +
      `The same route with requests born with Express's prototypes (the API's server, src/http/server.ts): ${Math.round(ceiling.prototypes.requestsPerSecond)} req/s.`,
    "",
    `Floor (node:http and one pg connection, no Express, no app code; bench/floor-server.ts), p99 at 1 connection, back to back: ` +
      `a constant statement ${f(report.floor.constant.p99)} ms, the page-1 statement ${f(report.floor.statement.p99)} ms; ` +
      `page 1 through the API ${f(report.floor.page1.p99)} ms.`,
    "",
    workersLine(report.workers),
    "",
    `Baseline (the reference design's queries in SQL, median of ${baseline.runs}): conversation list ${f(baseline.listMs, 0)} ms, search "hello" ${f(baseline.searchMs, 0)} ms` +
      (page1?.dbMs
        ? `; our page 1 takes ${f(page1.dbMs, 2)} ms in the database (${Math.round(baseline.listMs / page1.dbMs).toLocaleString("en-US")}× faster).`
        : "."),
    "",
  ];
  return lines.join("\n");
}
