import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { LoadResult } from "./load.ts";

const SCRIPT = fileURLToPath(new URL("./wrk-report.lua", import.meta.url));
/** wrk stops itself after the run; this much longer and it is killed. */
const GRACE_MS = 15_000;

export const WRK_MISSING = "wrk is not installed (Debian: apt-get install wrk): its figures are skipped";

/**
 * One run of wrk (Debian's package), the second, independent load generator: one thread, `connections`
 * connections, bounded in time. Latencies in milliseconds, as autocannon's. Null when wrk is not installed.
 */
export function wrkLoad(
  url: string,
  connections: number,
  durationSeconds: number,
): Promise<LoadResult | null> {
  return new Promise((resolve, reject) => {
    const child = spawn("wrk", ["-t1", `-c${connections}`, `-d${durationSeconds}s`, "-s", SCRIPT, url], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), durationSeconds * 1000 + GRACE_MS);
    child.on("error", (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (error.code === "ENOENT") resolve(null);
      else reject(error);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      const line = output.split("\n").find((l) => l.startsWith("{"));
      if (code !== 0 || line === undefined) {
        reject(new Error(`wrk exited with ${code}: ${output.trim().slice(0, 500)}`));
        return;
      }
      resolve(fromWrk(JSON.parse(line) as WrkFigures));
    });
  });
}

type WrkFigures = Record<
  "requests" | "durationUs" | "non2xx" | "errors" | "p50" | "p90" | "p99" | "p999" | "max",
  number
>;

function fromWrk(w: WrkFigures): LoadResult {
  const ms = (us: number) => us / 1000;
  return {
    requestsPerSecond: w.requests / (w.durationUs / 1e6),
    p50: ms(w.p50),
    p90: ms(w.p90),
    p99: ms(w.p99),
    p999: ms(w.p999),
    max: ms(w.max),
    non2xx: w.non2xx,
    errors: w.errors,
  };
}
