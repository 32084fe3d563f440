import { createReadStream } from "node:fs";
import { access, constants } from "node:fs/promises";
import { faker } from "@faker-js/faker";
import { parse } from "csv-parse";

/**
 * Message texts. From a `message_content.csv` (one message per line, optionally quoted CSV, with or without
 * a header, BOM or CRLF), or, with no file, from the project's own generator of plausible chat lines.
 */

export const MAX_CONTENT_LENGTH = 4096;
const HEADER_NAMES = new Set(["content", "message", "messages", "text"]);

export class CorpusError extends Error {
  override name = "CorpusError";
}

export type Corpus = { lines: string[]; source: string };

export async function readCorpus(path: string): Promise<Corpus> {
  try {
    await access(path, constants.R_OK);
  } catch {
    throw new CorpusError(`cannot read the content file ${path}: it does not exist or is not readable`);
  }
  const lines: string[] = [];
  const parser = createReadStream(path).pipe(
    parse({
      bom: true,
      relax_quotes: true,
      relax_column_count: true,
      skip_empty_lines: true,
      // The brief's file is one message per line: a comma outside quotes is part of the text.
      delimiter: ",",
    }),
  );
  for await (const record of parser as AsyncIterable<string[]>) {
    const text = cleanLine(record.join(","));
    if (text) lines.push(text);
  }
  if (lines.length > 0 && HEADER_NAMES.has((lines[0] as string).toLowerCase())) lines.shift();
  if (lines.length === 0) throw new CorpusError(`the content file ${path} has no non-blank line`);
  return { lines, source: path };
}

/** Trimmed, without NUL (PostgreSQL text cannot hold it), at most the length a message may have. */
export function cleanLine(raw: string): string {
  return raw.replaceAll("\u0000", "").trim().slice(0, MAX_CONTENT_LENGTH);
}

const OPENERS = ["Hi", "Hey", "Hello", "Good morning", "Hi there", "Thanks", "Sorry", "Quick question"];
const TEMPLATES: Array<() => string> = [
  () => `${pick(OPENERS)}, is my order for the ${faker.commerce.productName()} on its way?`,
  () =>
    `Your ${faker.commerce.product().toLowerCase()} ships on ${faker.date.weekday()}. Tracking: ${faker.string.alphanumeric(10).toUpperCase()}`,
  () =>
    `Can we move the appointment to ${faker.date.weekday()} at ${faker.number.int({ min: 8, max: 18 })}:00?`,
  () => `${pick(OPENERS)}! ${faker.hacker.phrase()}`,
  () => `I paid ${faker.finance.amount({ symbol: "$" })} but the receipt says otherwise.`,
  () => `Sure, see you in ${faker.location.city()} then.`,
  () =>
    `${faker.word.interjection()}, that ${faker.word.adjective()} ${faker.word.noun()} was not what I expected.`,
  () => `Please call me back on ${faker.phone.number()} when you can.`,
  () => `Thanks ${faker.person.firstName()}, that solved it.`,
  () => faker.lorem.sentence({ min: 4, max: 16 }),
];

/** Plausible chat lines when no file is given; deterministic for a seed. */
export function generateCorpus(size: number, seed: number): Corpus {
  faker.seed(seed);
  const lines = Array.from({ length: size }, () => cleanLine(pick(TEMPLATES)()));
  return { lines, source: "generated" };
}

function pick<T>(items: readonly T[]): T {
  return items[faker.number.int({ max: items.length - 1 })] as T;
}

/** COPY text format: backslash, tab, newline and carriage return are escaped. */
export function escapeCopyText(value: string): string {
  return value.replace(/[\\\t\n\r]/g, (ch) =>
    ch === "\\" ? "\\\\" : ch === "\t" ? "\\t" : ch === "\n" ? "\\n" : "\\r",
  );
}
