import { faker } from "@faker-js/faker";
import { MAX_CONTENT_LENGTH } from "./corpus.ts";

/**
 * Message texts built from corpus lines so that most of them are distinct at any scale: 50M messages drawn
 * from a 47k-line corpus would repeat each line ~1,000 times, which no real inbox does, and a search plan
 * tuned on such data would lean on the repetition. Each message starts from its corpus line (a burst reads
 * consecutive lines, plan.ts); most also address the contact by a first name or carry an order number, a
 * time, an amount or a reference; a tenth join a second line (kept few: a longer text is more for every
 * search and for the trigram index build to read). A fifth stay verbatim, as short replies do in real inboxes. The choice is a hash of the message's index and the seed: deterministic, no extra arrays.
 */
export type MessageTexts = { text(message: number, line: number): string };

const FIRST_NAMES = 2_000;

export function createMessageTexts(lines: string[], randomSeed: number): MessageTexts {
  faker.seed(randomSeed);
  const names = Array.from({ length: FIRST_NAMES }, () => faker.person.firstName());
  const pick = <T>(items: readonly T[], h: number) => items[h % items.length] as T;
  return {
    text(message, line) {
      const h = mix(message, randomSeed);
      const g = mix(h, 0x9e3779b9);
      const base = lines[line] as string;
      const kind = h % 100;
      let text: string;
      if (kind < 10) text = `${base} ${pick(lines, g)}`;
      else if (kind < 45) text = `${base} ${detail(g)}`;
      else if (kind < 65) text = `${pick(names, g)}, ${base}`;
      else if (kind < 80) text = `${pick(names, g >>> 11)}, ${base} ${detail(g)}`;
      else text = base;
      return text.length > MAX_CONTENT_LENGTH ? text.slice(0, MAX_CONTENT_LENGTH) : text;
    },
  };
}

/** A detail a business chat carries: an order number, a time, an amount or a booking reference. */
function detail(h: number): string {
  const v = h >>> 2;
  switch (h & 3) {
    case 0:
      return `(order #${100_000 + (v % 900_000)})`;
    case 1:
      return `at ${1 + (v % 12)}:${String((v >>> 4) % 60).padStart(2, "0")}`;
    case 2:
      return `- $${5 + (v % 495)}.${String((v >>> 9) % 100).padStart(2, "0")}`;
    default:
      return `ref ${(v % 1_679_616).toString(36).toUpperCase().padStart(4, "0")}`;
  }
}

/** A 32-bit integer hash (murmur3's finaliser) of two numbers. */
function mix(a: number, b: number): number {
  let h = Math.imul(a ^ Math.imul(b, 0x85ebca6b), 0xcc9e2d51) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
