import { readFile } from "node:fs/promises";
import http from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { percentile } from "./load.ts";

/**
 * The change stream under load: `streams` open GET /events streams while messages are posted to random
 * contacts at `rate` a second for `seconds`. Each message carries its number, each stream looks for it in
 * what it receives: delivery latency runs from the moment the post was sent (an upper bound of commit to
 * receipt) to the moment a stream read it, over every message and the timed streams (TIMED_STREAMS). Beside it, page 1 is read in a loop
 * on one connection. Memory per stream is the API process's resident memory grown while they opened.
 */
export type LiveResult = {
  streams: number;
  postsPerSecond: number;
  postErrors: number;
  /** Receipts seen on the timed streams, of posts × timed streams (a message to a contact that changed
   * again within the same batch of notifications arrives as the later row only). */
  delivered: number;
  expected: number;
  latency: { p50: number; p99: number; p999: number; max: number };
  rssPerStreamKb: number | null;
  page1: { p50: number; p99: number; requests: number };
};

const MARK = /bench-live-(\d+)-/g;

/**
 * Streams whose receipts are timed; the others read and discard what they receive (the server serves them
 * all alike). Parsing every stream would make this process, on the same cores, the bottleneck measured.
 */
export const TIMED_STREAMS = 50;

export async function measureLive(
  api: string,
  apiPid: number | undefined,
  contacts: number,
  { streams, rate, seconds }: { streams: number; rate: number; seconds: number },
): Promise<LiveResult> {
  const sentAt = new Map<number, number>();
  const latencies: number[] = [];
  const rssBefore = await residentKb(apiPid);
  const open = await Promise.all(
    Array.from({ length: streams }, (_, i) => openStream(api, sentAt, i < TIMED_STREAMS ? latencies : null)),
  );
  const timed = Math.min(streams, TIMED_STREAMS);
  await sleep(500);
  const rssAfter = await residentKb(apiPid);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  let sequence = 0;
  let postErrors = 0;
  const posts: Promise<void>[] = [];
  const ticksPerSecond = 100;
  // Owed by the clock, not by the ticks: a busy event loop fires fewer ticks, and the rate must hold anyway.
  const started = performance.now();
  const ticker = setInterval(() => {
    const owed = Math.floor(((performance.now() - started) / 1000) * rate) - sequence;
    for (let i = 0; i < owed; i++) {
      const n = ++sequence;
      const contact = 1 + Math.floor(Math.random() * contacts);
      sentAt.set(n, performance.now());
      posts.push(
        post(agent, api, contact, `bench-live-${n}- a live message`).then((ok) => {
          if (!ok) postErrors++;
        }),
      );
    }
  }, 1000 / ticksPerSecond);
  const page1 = readPage1(api, seconds);
  await sleep(seconds * 1000);
  clearInterval(ticker);
  await Promise.all(posts);
  const reads = await page1;
  await sleep(1_000); // the last events in flight
  for (const s of open) s.destroy();
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    streams,
    postsPerSecond: sequence / seconds,
    postErrors,
    delivered: latencies.length,
    expected: sequence * timed,
    latency: {
      p50: percentile(latencies, 0.5),
      p99: percentile(latencies, 0.99),
      p999: percentile(latencies, 0.999),
      max: latencies.at(-1) ?? 0,
    },
    rssPerStreamKb: rssBefore === null || rssAfter === null ? null : (rssAfter - rssBefore) / streams,
    page1: reads,
  };
}

function openStream(
  api: string,
  sentAt: Map<number, number>,
  latencies: number[] | null,
): Promise<http.ClientRequest> {
  return new Promise((resolve, reject) => {
    const request = http.get(`${api}/events`, { headers: { accept: "text/event-stream" } }, (response) => {
      if (response.statusCode !== 200) reject(new Error(`GET /events answered ${response.statusCode}`));
      resolve(request);
      if (!latencies) {
        response.resume();
        return;
      }
      response.setEncoding("utf8");
      let tail = "";
      response.on("data", (chunk: string) => {
        const now = performance.now();
        const text = tail + chunk;
        for (const match of text.matchAll(MARK)) {
          // A mark split across chunks is completed by the next one: only whole marks count, once each.
          if (match.index + match[0].length <= tail.length) continue;
          const sent = sentAt.get(Number(match[1]));
          if (sent !== undefined) latencies.push(now - sent);
        }
        tail = text.slice(-32);
      });
      response.on("error", () => {});
    });
    request.on("error", reject);
  });
}

function post(agent: http.Agent, api: string, contact: number, content: string): Promise<boolean> {
  const body = JSON.stringify({ content, direction: "inbound" });
  return new Promise((resolve) => {
    const request = http.request(
      `${api}/contacts/${contact}/messages`,
      {
        method: "POST",
        agent,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
      },
      (response) => {
        response.resume();
        response.on("end", () => resolve(response.statusCode === 201));
      },
    );
    request.on("error", () => resolve(false));
    request.end(body);
  });
}

async function readPage1(api: string, seconds: number) {
  const times: number[] = [];
  const until = performance.now() + seconds * 1000;
  while (performance.now() < until) {
    const started = performance.now();
    await (await fetch(`${api}/conversations`)).arrayBuffer();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 0.5), p99: percentile(times, 0.99), requests: times.length };
}

async function residentKb(pid: number | undefined): Promise<number | null> {
  if (pid === undefined) return null;
  const status = await readFile(`/proc/${pid}/status`, "utf8").catch(() => "");
  const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
  return kb ? Number(kb) : null;
}
