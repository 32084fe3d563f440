import { BLOOM_BIT, BLOOM_BITS, SIGNATURE_BITS, symbolOf } from "../conversations/summary-codes.ts";

/**
 * Every contact's content signature (migration 005) and trigram bloom (011), computed here while the messages
 * stream to COPY, instead of by the database's PL/pgSQL `text_summary` once per message (~6 minutes at 5M on
 * this machine's 2 cores). The codes are those of summary-codes.ts.
 */
const SIGNATURE_WORDS = Math.ceil(SIGNATURE_BITS / 32);
const BLOOM_WORDS = BLOOM_BITS / 32;

export type ContactSummaries = {
  /** Adds a message's text to its contact's signature and bloom. */
  add(contactId: number, text: string): void;
  /** bit(1406) literal of a contact's signature, bit 0 first. */
  signatureText(contactId: number): string;
  /** bit(8192) literal of a contact's bloom, in hexadecimal (PostgreSQL's X'…' input). */
  bloomText(contactId: number): string;
  /**
   * `{…}` literal of the positions of a contact's signature bits together with those of `extra` texts (its
   * name and phone digits): its row of contact_signature_bits (migration 016).
   */
  signaturePositions(contactId: number, ...extra: string[]): string;
};

export function createContactSummaries(contacts: number): ContactSummaries {
  const signatures = new Uint32Array((contacts + 1) * SIGNATURE_WORDS);
  const blooms = new Uint32Array((contacts + 1) * BLOOM_WORDS);
  const set = (words: Uint32Array, at: number, bit: number) => {
    const w = at + (bit >>> 5);
    words[w] = (words[w] as number) | (1 << (bit & 31));
  };
  return {
    add(contactId, text) {
      const sig = contactId * SIGNATURE_WORDS;
      const bloom = contactId * BLOOM_WORDS;
      let previous = -1;
      let code = 0;
      let seen = 0;
      for (let i = 0; i < text.length; i++) {
        const unit = text.charCodeAt(i);
        // A surrogate pair is one character (one symbol), as string_to_array(…, NULL) splits it.
        if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) i++;
        const symbol = symbolOf(unit);
        set(signatures, sig, symbol);
        if (previous >= 0) set(signatures, sig, 37 + previous * 37 + symbol);
        previous = symbol;
        code = (code % 1369) * 37 + symbol;
        if (++seen >= 3) set(blooms, bloom, BLOOM_BIT[code] as number);
      }
    },
    signatureText: (contactId) => binaryText(signatures, contactId * SIGNATURE_WORDS, SIGNATURE_BITS),
    bloomText: (contactId) => hexText(blooms, contactId * BLOOM_WORDS, BLOOM_BITS),
    signaturePositions(contactId, ...extra) {
      const words = signatures.slice(contactId * SIGNATURE_WORDS, (contactId + 1) * SIGNATURE_WORDS);
      for (const text of extra) widenSignature(words, text);
      const positions: number[] = [];
      for (let bit = 0; bit < SIGNATURE_BITS; bit++) {
        if (((words[bit >>> 5] as number) >>> (bit & 31)) & 1) positions.push(bit);
      }
      return `{${positions.join(",")}}`;
    },
  };
}

/** A text's symbols and pairs OR-ed into one signature (the signature part of `add`, for names and numbers). */
function widenSignature(words: Uint32Array, text: string): void {
  const set = (bit: number) => {
    words[bit >>> 5] = (words[bit >>> 5] as number) | (1 << (bit & 31));
  };
  let previous = -1;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) i++;
    const symbol = symbolOf(unit);
    set(symbol);
    if (previous >= 0) set(37 + previous * 37 + symbol);
    previous = symbol;
  }
}

/** "0"/"1" text of each byte value, lowest bit first: a signature's literal is 176 lookups. */
const BYTE_TEXT = Array.from({ length: 256 }, (_, byte) =>
  Array.from({ length: 8 }, (_, bit) => ((byte >>> bit) & 1 ? "1" : "0")).join(""),
);

function binaryText(words: Uint32Array, offset: number, bits: number): string {
  const parts: string[] = [];
  for (let b = 0; b < bits; b += 8) {
    parts.push(BYTE_TEXT[((words[offset + (b >>> 5)] as number) >>> (b & 31)) & 0xff] as string);
  }
  return parts.join("").slice(0, bits);
}

/** Hex digit of each nibble, lowest bit first: bit 0 is the digit's most significant bit in X'…'. */
const NIBBLE_HEX = Array.from({ length: 16 }, (_, n) =>
  (((n & 1) << 3) | ((n & 2) << 1) | ((n & 4) >>> 1) | ((n & 8) >>> 3)).toString(16),
);

function hexText(words: Uint32Array, offset: number, bits: number): string {
  const parts: string[] = ["X"];
  for (let b = 0; b < bits; b += 4) {
    parts.push(NIBBLE_HEX[((words[offset + (b >>> 5)] as number) >>> (b & 31)) & 0xf] as string);
  }
  return parts.join("");
}
