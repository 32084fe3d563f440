/**
 * The codes behind the content signature (migration 005) and the trigram bloom (011), in JS, bit for bit as the
 * database computes them (test/summaries.test.ts compares the two). The seed builds every contact's summaries
 * with them; the planner tests sampled contacts' blooms against a term with them.
 *
 * - after lower(), a–z → 0–25, 0–9 → 26–35, anything else → 36. Under the database's C.UTF-8 locale the only
 *   characters that lower-case into ASCII besides A–Z are İ (U+0130 → i) and the Kelvin sign (U+212A → k);
 * - signature bit s: symbol s occurs; bit 37 + 37·a + b: a is followed by b;
 * - bloom bit: the top 13 bits of the low 32 of (trigram code 37²a + 37b + c) × 2654435761.
 */
export const SIGNATURE_BITS = 1406;
export const BLOOM_BITS = 8192;
const OTHER = 36;

/** The bloom bit of each of the 37³ trigram codes. */
export const BLOOM_BIT = Uint16Array.from(
  { length: 37 ** 3 },
  (_, code) => Math.floor((code * 2654435761) / 2 ** 19) % BLOOM_BITS,
);

/** The symbol of one UTF-16 unit (the first of a surrogate pair stands for its character: both are OTHER). */
export function symbolOf(codePoint: number): number {
  if (codePoint >= 97 && codePoint <= 122) return codePoint - 97;
  if (codePoint >= 65 && codePoint <= 90) return codePoint - 65;
  if (codePoint >= 48 && codePoint <= 57) return codePoint - 22;
  if (codePoint === 0x130) return 8; // İ → i
  if (codePoint === 0x212a) return 10; // K → k
  return OTHER;
}

/** The bloom bits of a text's trigrams: what trigram_probe(text) sets (none for a text under 3 characters). */
export function trigramBloomBits(text: string): number[] {
  const bits = new Set<number>();
  let code = 0;
  let seen = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) i++;
    code = (code % 1369) * 37 + symbolOf(unit);
    if (++seen >= 3) bits.add(BLOOM_BIT[code] as number);
  }
  return [...bits];
}

/**
 * Whether a bloom as PostgreSQL sends bit(8192) (varbit_send: a 4-byte length, then bit 0 as the first byte's
 * high bit) has every one of `bits` set.
 */
export function bloomHolds(bloom: Uint8Array, bits: number[]): boolean {
  return bits.every((bit) => (((bloom[4 + (bit >>> 3)] as number) >>> (7 - (bit & 7))) & 1) === 1);
}
