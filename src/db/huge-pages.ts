import type { Logger } from "../logger.ts";
import type { Pool } from "./pool.ts";

/**
 * Whether PostgreSQL's shared memory (shared_buffers, 6 GB on a 24 GiB machine) is mapped with 2 MB huge pages,
 * and how many it would need. With 4 kB pages every backend maps the cache page by page, and walks that hop
 * across thousands of buffers miss the TLB (measured in docs/performance.md, "Huge pages").
 *
 * PostgreSQL takes reserved huge pages by itself (huge_pages=try, the default) when the host has enough; an
 * application cannot reserve them, so this only tells the operator. "off" means no reserved pages: the host may
 * still back shared memory with transparent huge pages (README, "Huge pages"), which PostgreSQL does not see.
 * `unknown`: a server older than 17 does not report the status.
 */
export type HugePages = { status: "on" | "off" | "unknown"; pagesNeeded: number | null };

export async function readHugePages(pool: Pool): Promise<HugePages> {
  const { rows } = await pool.query<{ status: string | null; needed: string | null }>(
    `SELECT current_setting('huge_pages_status', true) AS status,
            current_setting('shared_memory_size_in_huge_pages', true) AS needed`,
  );
  const { status, needed } = rows[0] ?? { status: null, needed: null };
  const pagesNeeded = needed && Number(needed) > 0 ? Number(needed) : null;
  return { status: status === "on" || status === "off" ? status : "unknown", pagesNeeded };
}

export async function reportHugePages(pool: Pool, logger: Logger): Promise<void> {
  const note = hugePagesNote(await readHugePages(pool));
  if (note) logger.info(note);
}

/** What the operator is told at start; nothing when the server does not say. */
export function hugePagesNote({ status, pagesNeeded }: HugePages): string | null {
  if (status === "on") return "PostgreSQL's shared memory uses reserved huge pages";
  if (status !== "off") return null;
  const reserve = pagesNeeded ? ` (as root: sysctl -w vm.nr_hugepages=${pagesNeeded}, then restart)` : "";
  return `PostgreSQL runs without reserved huge pages: unless its host gives shared memory transparent huge pages, reserving them makes searches faster${reserve}; README, "Huge pages"`;
}
