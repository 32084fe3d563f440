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
  ceiling: LoadResult & { ourShare: number | null };
  baseline: Baseline;
  mixed: { ingestPerSecond: number; readP99: number; readOnlyP99: number | null };
};

const f = (v: number, digits = 1) => v.toFixed(digits);

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
    `Mixed load: ${Math.round(report.mixed.ingestPerSecond)} messages/s ingested while page-1 reads on one connection had p99 ${f(report.mixed.readP99)} ms (read-only: ${report.mixed.readOnlyP99 === null ? "-" : f(report.mixed.readOnlyP99)} ms).`,
    "",
    `Ceiling (bare Express 5 route, same body from memory): ${Math.round(ceiling.requestsPerSecond)} req/s; page 1 reaches ${ceiling.ourShare === null ? "-" : `${Math.round(ceiling.ourShare * 100)}%`} of it.`,
    "",
    `Baseline (the reference design's queries in SQL, median of ${baseline.runs}): conversation list ${f(baseline.listMs, 0)} ms, search "hello" ${f(baseline.searchMs, 0)} ms` +
      (page1?.dbMs
        ? `; our page 1 takes ${f(page1.dbMs, 2)} ms in the database (${Math.round(baseline.listMs / page1.dbMs).toLocaleString("en-US")}× faster).`
        : "."),
    "",
  ];
  return lines.join("\n");
}
