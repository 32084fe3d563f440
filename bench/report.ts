import type { Baseline } from "./baseline.ts";
import type { LoadResult } from "./load.ts";
import type { Scenario } from "./scenarios.ts";

export type Row = Scenario & LoadResult & { connections: number; dbMs: number | null };

type Report = {
  date: string;
  machine: string;
  dataset: { contacts: number; messages: number };
  durationSeconds: number;
  rows: Row[];
  ceiling: { shipped: LoadResult; prototypes: LoadResult; page1: LoadResult; share: number };
  floor: { constant: LoadResult; statement: LoadResult; page1: LoadResult };
  baseline: Baseline;
  mixed: Mixed & { apart: Mixed };
};

/** Ingest beside page-1 reads on one connection, and those reads' p99 alone just before. */
type Mixed = { ingestPerSecond: number; readP99: number; readOnlyP99: number };

const f = (v: number, digits = 1) => v.toFixed(digits);

const mixedLoad = (m: Mixed) =>
  `${Math.round(m.ingestPerSecond)} messages/s ingested while page-1 reads on one connection had p99 ${f(m.readP99)} ms ` +
  `against ${f(m.readOnlyP99)} ms alone just before (${f(m.readP99 / m.readOnlyP99, 2)}×)`;

export function formatMarkdown(report: Report): string {
  const { rows, ceiling, baseline } = report;
  const page1 = rows.find((r) => r.name === "page 1" && r.connections === 1);
  const lines = [
    `# Benchmark ${report.date.slice(0, 10)}`,
    "",
    `Machine: ${report.machine}. Data: ${report.dataset.contacts.toLocaleString("en-US")} contacts, ${report.dataset.messages.toLocaleString("en-US")} messages. ${report.durationSeconds} s per run, loopback, autocannon. Latencies in ms; db = median database time from Server-Timing.`,
    "",
    "| scenario | | conn | req/s | p50 | p90 | p99 | max | db | non-2xx |",
    "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ...rows.map(
      (r) =>
        `| ${r.group} | ${r.name} | ${r.connections} | ${Math.round(r.requestsPerSecond)} | ${f(r.p50)} | ${f(r.p90)} | ${f(r.p99)} | ${f(r.max)} | ${r.dbMs === null ? "-" : f(r.dbMs, 2)} | ${r.requestsPerSecond === 0 ? "**no answer**" : r.non2xx + r.errors > 0 ? `**${r.non2xx + r.errors}**` : 0} |`,
    ),
    "",
    `Mixed load: ${mixedLoad(report.mixed)}. With the posts sent to a second API process (nice 10): ${mixedLoad(report.mixed.apart)}.`,
    "",
    `Ceiling (bare Express 5 route, same body from memory), measured back to back with page 1 at the same connections: ` +
      `${Math.round(ceiling.shipped.requestsPerSecond)} req/s as Express ships; page 1 ${Math.round(ceiling.page1.requestsPerSecond)} req/s, **${Math.round(ceiling.share * 100)}%** of it. ` +
      `The same route with requests born with Express's prototypes (the API's server, src/http/server.ts): ${Math.round(ceiling.prototypes.requestsPerSecond)} req/s.`,
    "",
    `Floor (node:http and one pg connection, no Express, no app code; bench/floor-server.ts), p99 at 1 connection, back to back: ` +
      `a constant statement ${f(report.floor.constant.p99)} ms, the page-1 statement ${f(report.floor.statement.p99)} ms; ` +
      `page 1 through the API ${f(report.floor.page1.p99)} ms.`,
    "",
    `Baseline (the reference design's queries in SQL, median of ${baseline.runs}): conversation list ${f(baseline.listMs, 0)} ms, search "hello" ${f(baseline.searchMs, 0)} ms` +
      (page1?.dbMs
        ? `; our page 1 takes ${f(page1.dbMs, 2)} ms in the database (${Math.round(baseline.listMs / page1.dbMs).toLocaleString("en-US")}× faster).`
        : "."),
    "",
  ];
  return lines.join("\n");
}
