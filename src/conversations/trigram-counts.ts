/**
 * How often each trigram of ASCII letters and digits occurs in the search sample's texts: the index plan's key
 * choice (index-keys.ts) reads a trigram's posting-list length from it. Counted once per sample, in slices
 * that yield to the event loop, so no request waits on the count.
 */
export type TrigramCounts = {
  /** Occurrences by trigram code (trigramCode). */
  occurrences: Uint32Array;
  /** The messages those texts hold. */
  messages: number;
};

const SYMBOLS = 36;
const TEXTS_PER_SLICE = 32;

/** a–z → 0–25, 0–9 → 26–35; -1 for anything else, which ends a run. */
function symbolOf(unit: number): number {
  if (unit >= 97 && unit <= 122) return unit - 97;
  if (unit >= 48 && unit <= 57) return unit - 22;
  return -1;
}

/** The code of a trigram of a–z and 0–9, or -1 for any other. */
export function trigramCode(trigram: string): number {
  let code = 0;
  for (let i = 0; i < 3; i++) {
    const symbol = symbolOf(trigram.charCodeAt(i));
    if (symbol < 0) return -1;
    code = code * SYMBOLS + symbol;
  }
  return trigram.length === 3 ? code : -1;
}

function addText(occurrences: Uint32Array, text: string): void {
  let code = 0;
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    const symbol = symbolOf(text.charCodeAt(i));
    if (symbol < 0) {
      run = 0;
      continue;
    }
    code = (code % (SYMBOLS * SYMBOLS)) * SYMBOLS + symbol;
    if (++run >= 3) occurrences[code] = (occurrences[code] as number) + 1;
  }
}

type Counted = { text: string; messages: number };

export async function countTrigrams(texts: Counted[]): Promise<TrigramCounts> {
  const counts = { occurrences: new Uint32Array(SYMBOLS ** 3), messages: 0 };
  for (let i = 0; i < texts.length; i += TEXTS_PER_SLICE) {
    for (const t of texts.slice(i, i + TEXTS_PER_SLICE)) {
      addText(counts.occurrences, t.text);
      counts.messages += t.messages;
    }
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return counts;
}
