import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseLsn, parseWriteToken, writeToken } from "../src/db/lsn.ts";
import { lagOf } from "../src/db/replicas.ts";

describe("WAL positions and write tokens", () => {
  test("an LSN is its high and low 32 bits; a token names it and reads back", () => {
    assert.equal(parseLsn("0/16B3748"), 0x16b3748n);
    assert.equal(parseLsn("16/B374D848"), (0x16n << 32n) | 0xb374d848n);
    assert.ok(parseLsn("1/0") > parseLsn("0/FFFFFFFF"));
    const lsn = parseLsn("16/B374D848");
    assert.equal(parseWriteToken(writeToken(lsn)), lsn);
  });

  test("anything else as a token is the client's mistake, naming the header", () => {
    for (const bad of ["", "0/16B3748", "xyz", "1".repeat(17), "-1"]) {
      assert.throws(() => parseWriteToken(bad), /X-Write-Token/, bad);
    }
  });
});

describe("a replica's lag", () => {
  const history = [
    { lsn: 100n, at: 1_000 },
    { lsn: 200n, at: 1_200 },
    { lsn: 300n, at: 1_400 },
  ];
  test("none when it has replayed the primary's latest known position, even long after", () => {
    assert.equal(lagOf(300n, history, 9_000), 0);
    assert.equal(lagOf(400n, history, 9_000), 0);
    assert.equal(lagOf(0n, [], 9_000), 0);
  });

  test("since the primary first wrote past what it replayed", () => {
    assert.equal(lagOf(250n, history, 2_000), 600);
    assert.equal(lagOf(150n, history, 2_000), 800);
    assert.equal(lagOf(50n, history, 2_000), 1_000);
  });
});
