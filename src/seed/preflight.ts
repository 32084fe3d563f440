import { existsSync } from "node:fs";
import { statfs } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type pg from "pg";

/**
 * Before a seed writes anything: will the data set fit? Estimates from the full-size data set (5M messages,
 * 100k contacts; docs/scaling.md): the database takes about DISK_PER_MESSAGE per message with every index, and
 * index builds sort in temporary files besides it; the generator holds the plan (typed arrays) and each
 * contact's signature and bloom in memory.
 */
export const DISK_BYTES_PER_MESSAGE = 900;
export const DISK_BYTES_PER_CONTACT = 2_500;
/** Sorting the largest index spills about its size to temporary files while the others already exist. */
const DISK_HEADROOM = 1.25;
const MEMORY_BYTES_PER_MESSAGE = 160;
const MEMORY_BYTES_PER_CONTACT = 1_400;
const MEMORY_BASE = 512 * 1024 * 1024;

export class SeedPreflightError extends Error {
  override name = "SeedPreflightError";
}

export type Needs = { diskBytes: number; memoryBytes: number };

export function estimateNeeds(contacts: number, messages: number): Needs {
  return {
    diskBytes: Math.ceil(
      (messages * DISK_BYTES_PER_MESSAGE + contacts * DISK_BYTES_PER_CONTACT) * DISK_HEADROOM,
    ),
    memoryBytes: MEMORY_BASE + messages * MEMORY_BYTES_PER_MESSAGE + contacts * MEMORY_BYTES_PER_CONTACT,
  };
}

const GB = 1024 ** 3;
const gb = (bytes: number) => `${(bytes / GB).toFixed(1)} GB`;

/**
 * Refuses a seed the machine cannot hold, naming what it needs. The disk is checked where the database keeps
 * its files when that directory is on this machine (the embedded server, or a local one); for a remote server
 * the line `diskNote` says it was not checked.
 */
export async function checkResources(
  client: pg.ClientBase,
  contacts: number,
  messages: number,
): Promise<{ needs: Needs; diskNote: string }> {
  const needs = estimateNeeds(contacts, messages);
  const free = os.freemem();
  if (free < needs.memoryBytes) {
    throw new SeedPreflightError(
      `not enough memory to generate ${messages.toLocaleString("en-US")} messages: about ${gb(needs.memoryBytes)} needed, ${gb(free)} available`,
    );
  }
  const dataDir = await databaseDirectory(client);
  if (dataDir === undefined)
    return { needs, diskNote: "the database's disk is not on this machine: not checked" };
  const fs = await statfs(dataDir);
  const available = fs.bavail * fs.bsize;
  if (available < needs.diskBytes) {
    throw new SeedPreflightError(
      `not enough disk for ${messages.toLocaleString("en-US")} messages: about ${gb(needs.diskBytes)} needed in ${dataDir}, ${gb(available)} free`,
    );
  }
  return { needs, diskNote: `${gb(available)} free in ${dataDir}, about ${gb(needs.diskBytes)} needed` };
}

/** The server's data directory, when it can be read (superuser or pg_read_all_settings) and is local. */
async function databaseDirectory(client: pg.ClientBase): Promise<string | undefined> {
  try {
    const { rows } = await client.query<{ dir: string }>("SELECT current_setting('data_directory') AS dir");
    const dir = rows[0]?.dir;
    return dir !== undefined && path.isAbsolute(dir) && existsSync(dir) ? dir : undefined;
  } catch {
    return undefined;
  }
}
