import type { Request, Response } from "express";
import { parseWriteToken, writeToken } from "../db/lsn.ts";
import type { ReadRouter } from "../db/replicas.ts";

/**
 * Read-your-writes across replicas (src/db/replicas.ts): a write answers with `X-Write-Token` naming its commit
 * position; a read that sends it back is served only where that write is visible. Without replicas, neither
 * header means anything and none is sent.
 */

/**
 * After the write committed: the token to send back with reads that must see it. If the primary cannot say its
 * position now, the write is still answered as done (it is), without a token: failing it would invite a retry
 * that writes twice.
 */
export async function sendWriteToken(res: Response, reads: ReadRouter<unknown>): Promise<void> {
  if (!reads.enabled) return;
  const position = await reads.position().catch(() => undefined);
  if (position !== undefined) res.setHeader("X-Write-Token", writeToken(position));
}

/** Runs `read` where the client's write (if it names one) is visible; says which server answered. */
export async function readAfterWrite<T, R>(
  req: Request,
  res: Response,
  reads: ReadRouter<T>,
  read: (queries: T) => Promise<R>,
): Promise<R> {
  const token = req.get("x-write-token");
  const after = reads.enabled && token !== undefined ? parseWriteToken(token) : undefined;
  const { result, source } = await reads.run(after, read);
  if (reads.enabled) res.setHeader("X-Read-Source", source);
  return result;
}
