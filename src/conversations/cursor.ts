import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { InvalidInputError } from "../errors.ts";

/**
 * Keyset cursors: the (timestamp, id) of the last row shown, bound to a scope (the search it came from, or
 * the thread) and signed, so a client can neither forge a position nor reuse a cursor elsewhere.
 */
export type Position = { at: string; id: number };

export type CursorCodec = {
  encode(position: Position, scope: string): string;
  decode(cursor: string, scope: string): Position;
};

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

export function createCursorCodec(secret: string): CursorCodec {
  const sign = (payload: string) => createHmac("sha256", secret).update(payload).digest().subarray(0, 16);
  const seal = (position: Position, scope: string) => {
    const payload = Buffer.from(JSON.stringify([position.at, position.id, scopeKey(scope)])).toString(
      "base64url",
    );
    return `${payload}.${sign(payload).toString("base64url")}`;
  };
  // Clients polling page 1 get the same cursor until a message arrives; hashing and signing it again was a
  // visible share of such a request's CPU.
  let last = { key: "", cursor: "" };
  return {
    encode(position, scope) {
      const key = JSON.stringify([position.at, position.id, scope]);
      if (key === last.key) return last.cursor;
      last = { key, cursor: seal(position, scope) };
      return last.cursor;
    },
    decode(cursor, scope) {
      const [payload = "", signature = ""] = cursor.split(".");
      const expected = sign(payload);
      const given = Buffer.from(signature, "base64url");
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        throw new InvalidInputError("cursor", "is not a cursor this server issued (malformed or altered)");
      }
      const [at, id, key] = JSON.parse(Buffer.from(payload, "base64url").toString()) as [
        string,
        number,
        string,
      ];
      if (key !== scopeKey(scope)) {
        throw new InvalidInputError(
          "cursor",
          "belongs to a different search or thread; start again without a cursor",
        );
      }
      if (!TIMESTAMP.test(at) || !Number.isSafeInteger(id))
        throw new InvalidInputError("cursor", "is malformed");
      return { at, id };
    },
  };
}

function scopeKey(scope: string): string {
  return createHash("sha256").update(scope).digest("base64url").slice(0, 12);
}
