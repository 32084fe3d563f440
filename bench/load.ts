import autocannon from "autocannon";

export type LoadResult = {
  requestsPerSecond: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  non2xx: number;
  /** The statuses of the answers that were not 2xx, and how many of each: a failed row says what failed. */
  statuses?: Record<string, number>;
  errors: number;
};

/**
 * One autocannon run on loopback, bounded in time. Latencies in milliseconds. `times`, when given, receives
 * every 2xx response's time, for percentiles over several runs (a class of search terms, report.ts).
 */
export function load(
  url: string,
  connections: number,
  durationSeconds: number,
  times?: number[],
): Promise<LoadResult> {
  return measure({ url, connections, duration: durationSeconds, pipelining: 1 }, times);
}

const LINES = [
  "On my way!",
  "Can you send the invoice again?",
  "Thanks, received.",
  "Is the shop open on Sunday?",
];

/** Messages posted to random contacts (ids 1..contacts), as a client app would, for a bounded time. */
export function ingest(api: string, contacts: number, connections: number, durationSeconds: number) {
  return measure({
    url: api,
    connections,
    duration: durationSeconds,
    requests: [
      {
        method: "POST",
        headers: { "content-type": "application/json" },
        setupRequest: (request) => ({
          ...request,
          path: `/contacts/${1 + Math.floor(Math.random() * contacts)}/messages`,
          body: JSON.stringify({
            content: LINES[Math.floor(Math.random() * LINES.length)],
            direction: Math.random() < 0.5 ? "inbound" : "outbound",
          }),
        }),
      },
    ],
  });
}

/**
 * Runs autocannon, taking the latency percentiles from every 2xx response's own time. autocannon's histogram
 * stores whole milliseconds, too coarse for pages answered in under one (it reports page 1's median, ~0.9 ms,
 * as 0) and for a p99 compared with a 2 ms target.
 */
function measure(options: autocannon.Options, sink?: number[]): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const times: number[] = [];
    const instance = autocannon(options, (error: unknown, result: autocannon.Result) => {
      if (error) reject(error instanceof Error ? error : new Error(String(error)));
      else {
        // One by one: a spread of a long run's times would exceed the engine's argument limit.
        if (sink) for (const ms of times) sink.push(ms);
        resolve(summarise(result, times));
      }
    });
    instance.on("response", (_client, status, _bytes, ms) => {
      if (status >= 200 && status < 300) times.push(ms);
    });
  });
}

function summarise(result: autocannon.Result, times: number[]): LoadResult {
  times.sort((a, b) => a - b);
  return {
    requestsPerSecond: result.requests.average,
    p50: percentile(times, 0.5),
    p90: percentile(times, 0.9),
    p99: percentile(times, 0.99),
    p999: percentile(times, 0.999),
    max: percentile(times, 1),
    non2xx: result.non2xx,
    statuses: Object.fromEntries(
      Object.entries(result.statusCodeStats ?? {})
        .filter(([status]) => !status.startsWith("2"))
        .map(([status, stats]) => [status, stats?.count ?? 0]),
    ),
    errors: result.errors + result.timeouts,
  };
}

/** Nearest rank over sorted times: the smallest time at or above which the given share of responses lies. */
export function percentile(sorted: number[], share: number): number {
  return sorted[Math.max(0, Math.ceil(share * sorted.length) - 1)] ?? 0;
}

/** Median database time reported in Server-Timing over a few sequential requests. */
export async function databaseTime(url: string, samples = 9): Promise<number | null> {
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const response = await fetch(url);
    await response.arrayBuffer();
    const match = /db;dur=([\d.]+)/.exec(response.headers.get("server-timing") ?? "");
    if (match) times.push(Number(match[1]));
  }
  times.sort((a, b) => a - b);
  return times.length ? (times[Math.floor(times.length / 2)] as number) : null;
}
