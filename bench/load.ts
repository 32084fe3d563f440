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
  const result = await autocannon({ url, connections, duration: durationSeconds, pipelining: 1 });
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
