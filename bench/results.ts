import { mkdir, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { readHugePages } from "../src/db/huge-pages.ts";
import type { Pool } from "../src/db/pool.ts";

/**
 * The machine a result was measured on, written next to every figure, with whether PostgreSQL's shared memory
 * got huge pages (src/db/huge-pages.ts): on this VM that moves search times by a quarter.
 */
export async function describeMachine(pool: Pool): Promise<string> {
  const cpu = `${os.cpus()[0]?.model ?? "cpu"} × ${os.availableParallelism()}`;
  const { status } = await readHugePages(pool);
  return `${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB; PostgreSQL huge pages ${status}`;
}

/** Prints the markdown and writes it with the raw JSON as bench/results/<stem>.md and .json. */
export async function writeResults(stem: string, report: unknown, markdown: string): Promise<void> {
  console.log(`\n${markdown}`);
  const dir = "bench/results";
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, stem);
  await writeFile(`${file}.md`, markdown);
  await writeFile(`${file}.json`, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`written ${file}.md and ${file}.json`);
}
