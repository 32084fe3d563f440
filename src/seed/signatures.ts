import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { escapeCopyText } from "./corpus.ts";
import type { MessagePlan } from "./plan.ts";

/**
 * Every contact's content signature (migration 005) before anything is loaded: the OR of the signatures of the
 * lines its messages are drawn from. The database computes each line's signature once (`text_signature`, so the
 * bits are exactly the trigger's), and the OR per contact runs here over the plan, which knows each message's
 * line and contact: 5M messages, ~47k–188k lines, no join over message texts. The lines stay in the temporary
 * table seed_lines until the load commits: the trigram blooms are computed from them too (load.ts).
 */
const BITS = 1406;
const WORDS = Math.ceil(BITS / 32);

export type ContactSignatures = { text(contactId: number): string };

export async function contactSignatures(
  client: pg.PoolClient,
  lines: string[],
  plan: MessagePlan,
  contacts: number,
): Promise<ContactSignatures> {
  const perLine = await lineSignatures(client, lines);
  const perContact = new Uint32Array((contacts + 1) * WORDS);
  for (let i = 0; i < plan.contactId.length; i++) {
    const to = (plan.contactId[i] as number) * WORDS;
    const from = (plan.lineIndex[i] as number) * WORDS;
    for (let w = 0; w < WORDS; w++)
      perContact[to + w] = (perContact[to + w] as number) | (perLine[from + w] as number);
  }
  return { text: (contactId) => bitText(perContact, contactId * WORDS) };
}

async function lineSignatures(client: pg.PoolClient, lines: string[]): Promise<Uint32Array> {
  await client.query("CREATE TEMP TABLE seed_lines (line int, content text) ON COMMIT DROP");
  const rows = lines.map((line, i) => `${i}\t${escapeCopyText(line)}\n`).join("");
  await pipeline(Readable.from([rows]), client.query(copyFrom("COPY seed_lines (line, content) FROM STDIN")));
  const { rows: signatures } = await client.query<{ line: number; bits: string }>(
    "SELECT line, text_signature(content)::text AS bits FROM seed_lines",
  );
  const perLine = new Uint32Array(lines.length * WORDS);
  for (const { line, bits } of signatures) {
    for (let b = bits.indexOf("1"); b !== -1; b = bits.indexOf("1", b + 1)) {
      const at = line * WORDS + (b >>> 5);
      perLine[at] = (perLine[at] as number) | (1 << (b & 31));
    }
  }
  return perLine;
}

/** "0"/"1" text of each byte value, lowest bit first: a contact's literal is 176 lookups, not 1,406 appends. */
const BYTE_TEXT = Array.from({ length: 256 }, (_, byte) =>
  Array.from({ length: 8 }, (_, bit) => ((byte >>> bit) & 1 ? "1" : "0")).join(""),
);

/** The bit(1406) literal of the signature starting at `offset`, bit 0 first (PostgreSQL's order). */
function bitText(words: Uint32Array, offset: number): string {
  const parts: string[] = [];
  for (let b = 0; b < BITS; b += 8) {
    parts.push(BYTE_TEXT[((words[offset + (b >>> 5)] as number) >>> (b & 31)) & 0xff] as string);
  }
  return parts.join("").slice(0, BITS);
}
