import autocannon from "autocannon";

export type LoadResult = {
  requestsPerSecond: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  non2xx: number;
  errors: number;
};

/** One autocannon run on loopback, bounded in time. Latencies in milliseconds. */
export async function load(url: string, connections: number, durationSeconds: number): Promise<LoadResult> {
  return summarise(await autocannon({ url, connections, duration: durationSeconds, pipelining: 1 }));
}

const LINES = [
  "On my way!",
  "Can you send the invoice again?",
  "Thanks, received.",
  "Is the shop open on Sunday?",
];

/** Messages posted to random contacts (ids 1..contacts), as a client app would, for a bounded time. */
export async function ingest(api: string, contacts: number, connections: number, durationSeconds: number) {
  const result = await autocannon({
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
  return summarise(result);
}

function summarise(result: autocannon.Result): LoadResult {
  return {
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
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
