import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import pg from "pg";
import { isoMicros } from "../src/db/timestamps.ts";
import { createTestDatabase, type TestDatabase } from "./support/database.ts";

let db: TestDatabase;
before(async () => {
  db = await createTestDatabase();
});
after(async () => db.drop());

const INSTANTS = [
  "2026-01-31 23:58:21.123456+00",
  "2026-03-29 01:30:00+00", // the hour Europe's clocks go forward
  "2024-02-29 00:00:00.5+00",
  "1999-12-31 23:59:59.999999+00",
  "1850-06-01 12:00:00+00", // local mean time: an offset with seconds in Europe/Amsterdam
];
const ZONES = [
  "UTC",
  "Asia/Kolkata",
  "America/St_Johns",
  "Pacific/Kiritimati",
  "America/Los_Angeles",
  "Europe/Amsterdam",
];

test("a timestamptz written in any session time zone gives the same instant, to the microsecond", async () => {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    for (const zone of ZONES) {
      await client.query(`SET TimeZone = '${zone}'`);
      const { rows } = await client.query<{ local: string; utc: string }>(
        `SELECT t::text AS local,
                to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS utc
           FROM unnest($1::timestamptz[]) t`,
        [INSTANTS],
      );
      for (const { local, utc } of rows) assert.equal(isoMicros(local), utc, `${zone}: ${local}`);
    }
  } finally {
    await client.end();
  }
});

test("text that is not a timestamptz in ISO DateStyle is refused, not misread", () => {
  assert.throws(() => isoMicros("01/31/2026 23:58:21 UTC"), /not a timestamptz/);
});
