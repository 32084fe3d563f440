import { InvalidInputError } from "../errors.ts";

/**
 * WAL positions (LSNs), as PostgreSQL writes them ("16/B374D848": the high and low 32 bits in hex), as numbers
 * to compare, and as the opaque write token a client gets after a write and sends back with a read.
 */

export function parseLsn(text: string): bigint {
  const [high, low] = text.split("/");
  return (BigInt(`0x${high}`) << 32n) | BigInt(`0x${low}`);
}

const TOKEN = /^[0-9a-f]{1,16}$/;

export const writeToken = (lsn: bigint): string => lsn.toString(16);

/** The position a client's X-Write-Token names; anything else is the client's mistake. */
export function parseWriteToken(token: string): bigint {
  if (!TOKEN.test(token)) throw new InvalidInputError("X-Write-Token", "is not a token this API gave");
  return BigInt(`0x${token}`);
}
