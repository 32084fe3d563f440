import { describeCheck } from "../conversations/integrity.ts";
import type { SeedResult } from "./seed.ts";

const MB = 1024 * 1024;

/** The lines printed after a seed: counts, distribution, time per phase, sizes. */
export function formatSummary(result: SeedResult): string[] {
  if (result.status === "skipped") {
    return [
      `database already holds contacts (${result.contacts}+): nothing to do (use --reset to regenerate)`,
    ];
  }
  const p = result.perContactPercentiles;
  return [
    `seeded ${result.contacts.toLocaleString("en-US")} contacts and ${result.messages.toLocaleString("en-US")} messages in ${result.totalSeconds.toFixed(1)} s`,
    `content: ${result.contentSource} (${result.corpusLines.toLocaleString("en-US")} lines), ${(result.distinctShare * 100).toFixed(1)}% of message texts distinct`,
    `messages per contact: min ${p.min}, p25 ${p.p25}, median ${p.p50}, p75 ${p.p75}, p90 ${p.p90}, p99 ${p.p99}, max ${p.max}`,
    `phases: ${result.timings.map((t) => `${t.phase} ${t.seconds.toFixed(1)} s`).join(", ")}`,
    ...result.timings
      .filter((t) => t.steps !== undefined)
      .map(
        (t) =>
          `${t.phase}: ${(t.steps ?? [])
            .filter((s) => s.seconds >= 0.1)
            .map((s) => `${s.name} ${s.seconds.toFixed(1)} s`)
            .join(", ")}`,
      ),
    `sizes: ${result.sizes.map((s) => `${s.name} ${(s.bytes / MB).toFixed(0)} MB`).join(", ")}`,
    describeCheck(result.integrity),
  ];
}
