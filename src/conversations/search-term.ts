/**
 * A search value turned into what the queries need: a LIKE pattern with %, _ and \ taken literally,
 * the digits-only pattern for phone numbers, and facts the planner chooses a strategy by.
 */
export type SearchTerm = {
  /** Trimmed, as typed. */
  text: string;
  /** `%…%` for ILIKE, wildcards escaped (backslash is LIKE's default escape character). */
  pattern: string;
  /** `%digits%` when the term looks like (part of) a phone number, else null. */
  digitsPattern: string | null;
  /** Lower-cased, for estimating matches against the in-memory sample. */
  folded: string;
  /** pg_trgm can only use its index when the term holds a run of 3+ letters or digits. */
  hasTrigram: boolean;
  /**
   * 1–2 ASCII letters or digits: the content signature (migration 005) records exactly whether a contact's
   * messages hold these characters and this pair (any other character shares one symbol with the rest).
   */
  inSignature: boolean;
  /**
   * A character the character posting lists record (migrations 017, 018): above ASCII once lower-cased, or a
   * rare ASCII mark. İ and the Kelvin sign lower-case into ASCII in the database
   * (src/conversations/summary-codes.ts), so they do not count.
   */
  hasPostedCharacter: boolean;
};

const PHONE_LIKE = /^[\d\s+().-]+$/;
const FOLDS_TO_ASCII = new Set(["\u0130", "\u212a"]);
/** The ASCII marks migration 018 posts: each is in under 0.11% of the corpus's lines; + belongs to phones. */
const POSTED_MARKS = new Set("&*<=>@[\\]^_`{|}~");

function isPosted(ch: string): boolean {
  return ((ch.codePointAt(0) as number) > 0x7f && !FOLDS_TO_ASCII.has(ch)) || POSTED_MARKS.has(ch);
}

export function parseSearchTerm(raw: string): SearchTerm | null {
  const text = raw.trim();
  if (text === "") return null;
  const digits = text.replace(/\D/g, "");
  return {
    text,
    pattern: `%${escapeLike(text)}%`,
    digitsPattern: PHONE_LIKE.test(text) && digits.length > 0 ? `%${digits}%` : null,
    folded: text.toLowerCase(),
    hasTrigram: /[\p{L}\p{N}]{3}/u.test(text),
    inSignature: /^[A-Za-z0-9]{1,2}$/.test(text),
    hasPostedCharacter: [...text].some(isPosted),
  };
}

export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}
