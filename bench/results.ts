import { mkdir, readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { readHugePages } from "../src/db/huge-pages.ts";
import type { Pool } from "../src/db/pool.ts";

/**
 * The machine a result was measured on, written next to every figure, with how PostgreSQL's shared memory is
 * paged: reserved huge pages (src/db/huge-pages.ts) and this host's transparent huge pages for shared memory,
 * either of which takes 5–40% off search walks on this VM (README, "Huge pages"). The benchmark's server is local.
 */
export async function describeMachine(pool: Pool): Promise<string> {
  const cpu = `${os.cpus()[0]?.model ?? "cpu"} × ${os.availableParallelism()}`;
  const { status } = await readHugePages(pool);
  const thp = await readFile(SHMEM_THP, "utf8").then(
    (text) => /\[(\w+)\]/.exec(text)?.[1] ?? "unknown",
    () => "unknown",
  );
  return `${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB; PostgreSQL reserved huge pages ${status}, shared-memory transparent huge pages ${thp}`;
}

const SHMEM_THP = "/sys/kernel/mm/transparent_hugepage/shmem_enabled";

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
