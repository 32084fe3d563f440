import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { checkPassed, checkSample, countWrongPointers } from "../src/conversations/integrity.ts";
import { seed } from "../src/seed/seed.ts";
import { createTestDatabase, type TestDatabase } from "./support/database.ts";

const NOW = Date.UTC(2026, 0, 1) / 1000;
const small = {
  contacts: 1_000,
  messages: 20_000,
  contentPath: undefined,
  randomSeed: 7,
  nowSeconds: NOW,
  interactive: false,
};
const quiet = () => {};

describe("seed", () => {
  let db: TestDatabase;
  before(async () => {
    db = await createTestDatabase();
  });
  after(async () => db.drop());

  test("loads the requested counts with unique phone numbers", async () => {
    const result = await seed(db.pool, { ...small, reset: false }, quiet);
    assert.equal(result.status, "seeded");
    // It ends with the sampled check: 200 newest conversations and about 800 more, of 1,000.
    assert.ok(
      result.integrity.checked > 800 && checkPassed(result.integrity),
      JSON.stringify(result.integrity),
    );
    const { rows } = await db.pool.query(`SELECT
        (SELECT count(*) FROM contacts)::int AS contacts,
        (SELECT count(*) FROM messages)::int AS messages,
        (SELECT count(DISTINCT phone_digits) FROM contacts)::int AS phones,
        (SELECT count(*) FROM contacts WHERE last_message_id IS NULL)::int AS silent`);
    assert.deepEqual(rows[0], { contacts: 1_000, messages: 20_000, phones: 1_000, silent: 0 });
  });

  test("a second run without reset leaves the data alone", async () => {
    const result = await seed(db.pool, { ...small, reset: false }, quiet);
    assert.equal(result.status, "skipped");
  });

  test("every last-message pointer equals the true latest message", async () => {
    assert.equal(await countWrongPointers(db.pool), 0);
  });

  test("every contact's name and digits are in contact_search, as the trigger keeps them", async () => {
    const { rows } = await db.pool.query(`
      SELECT count(*)::int AS different
        FROM contacts c FULL JOIN contact_search s ON s.contact_id = c.id
       WHERE (c.name, c.phone_digits) IS DISTINCT FROM (s.name, s.phone_digits)`);
    assert.deepEqual(rows[0], { different: 0 });
  });

  test("every content signature, computed while loading, equals the one of the contact's messages", async () => {
    const { rows } = await db.pool.query(`
      SELECT count(*) FILTER (WHERE c.content_signature <> m.signature)::int AS different,
             count(*) FILTER (WHERE bit_count(c.content_signature) = 0)::int AS empty
        FROM contacts c
        JOIN (SELECT contact_id, bit_or(text_signature(content)) AS signature FROM messages GROUP BY contact_id) m
          ON m.contact_id = c.id`);
    assert.deepEqual(rows[0], { different: 0, empty: 0 });
  });

  test("every trigram bloom, computed while loading, equals the one of the contact's messages", async () => {
    const { rows } = await db.pool.query(`
      SELECT count(*) FILTER (WHERE t.bloom IS DISTINCT FROM m.bloom)::int AS different,
             count(*) FILTER (WHERE bit_count(t.bloom) = 0)::int AS empty
        FROM (SELECT contact_id, bit_or(text_trigram_bloom(content)) AS bloom FROM messages GROUP BY contact_id) m
        LEFT JOIN contact_trigrams t ON t.contact_id = m.contact_id`);
    assert.deepEqual(rows[0], { different: 0, empty: 0 });
  });

  test("every contact's posted bits, computed while loading, are its signature's, name's and number's", async () => {
    const { rows } = await db.pool.query(`
      SELECT count(*) FILTER (WHERE p.bits IS DISTINCT FROM signature_bit_positions(
                                c.content_signature | contact_text_signature(c.name, c.phone_digits)))::int AS different,
             count(*)::int AS contacts
        FROM contacts c
        LEFT JOIN (SELECT contact_id, array_agg(b ORDER BY b) AS bits
                     FROM contact_signature_bits, unnest(bits) b GROUP BY contact_id) p ON p.contact_id = c.id`);
    assert.equal(rows[0].different, 0);
    assert.ok(rows[0].contacts > 0);
  });

  test("messages per contact are heavy-tailed, not uniform", async () => {
    const { rows } = await db.pool.query(`
      SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY n) AS median, max(n) AS max, avg(n)::float AS mean
        FROM (SELECT count(*)::int AS n FROM messages GROUP BY contact_id) s`);
    const { median, max, mean } = rows[0];
    assert.ok(median < mean, `median ${median} should be below the mean ${mean}`);
    assert.ok(
      median <= mean / 2 && max > 10 * mean,
      `the busiest contact (${max}) should have far more than the mean ${mean}`,
    );
  });

  test("history spans about two years, ids follow time, and conversation order is not contact order", async () => {
    const { rows } = await db.pool.query(`
      SELECT extract(epoch FROM max("timestamp") - min("timestamp")) / 86400 AS days,
             (SELECT count(*) FROM (SELECT "timestamp" < lag("timestamp") OVER (ORDER BY id) AS back FROM messages) s
               WHERE back)::int AS out_of_order,
             (SELECT corr(id, extract(epoch FROM last_message_at)) FROM contacts) AS contact_time
        FROM messages`);
    assert.ok(rows[0].days > 600 && rows[0].days <= 731, `span ${rows[0].days} days`);
    assert.equal(rows[0].out_of_order, 0, "message ids follow time order");
    assert.ok(Math.abs(rows[0].contact_time) < 0.1, "last-message time is unrelated to contact id");
  });

  test("night hours are quieter than the evening", async () => {
    const { rows } = await db.pool.query(`
      SELECT count(*) FILTER (WHERE extract(hour FROM "timestamp") BETWEEN 2 AND 4)::int AS night,
             count(*) FILTER (WHERE extract(hour FROM "timestamp") BETWEEN 18 AND 20)::int AS evening
        FROM messages`);
    assert.ok(rows[0].evening > 3 * rows[0].night, JSON.stringify(rows[0]));
  });

  test("the sampled check finds a newest conversation whose pointer or search row was broken", async () => {
    const { rows } = await db.pool.query<{ id: string; last: string; other: string; name: string }>(
      `SELECT c.id, c.last_message_id AS last, c.name,
              (SELECT min(m.id) FROM messages m WHERE m.contact_id = c.id) AS other
         FROM contacts c WHERE last_message_id IS NOT NULL
        ORDER BY last_message_at DESC, id DESC LIMIT 1`,
    );
    const newest = rows[0];
    assert.ok(newest && newest.other !== newest.last);
    const size = { newest: 5, uniform: 0 };
    try {
      await db.pool.query("UPDATE contact_search SET name = 'someone else' WHERE contact_id = $1", [
        newest.id,
      ]);
      await db.pool.query("UPDATE contacts SET last_message_id = $2 WHERE id = $1", [
        newest.id,
        newest.other,
      ]);
      assert.deepEqual(
        { ...(await checkSample(db.pool, size)), seconds: 0 },
        { ...size, checked: 5, wrongPointers: 1, wrongSummaries: 1, seconds: 0 },
      );
    } finally {
      await db.pool.query("UPDATE contact_search SET name = $2 WHERE contact_id = $1", [
        newest.id,
        newest.name,
      ]);
      await db.pool.query("UPDATE contacts SET last_message_id = $2 WHERE id = $1", [newest.id, newest.last]);
    }
    assert.ok(checkPassed(await checkSample(db.pool, size)));
  });

  test("the same seed gives the same data", async () => {
    const digest = async () =>
      (
        await db.pool.query(`SELECT md5(string_agg(concat_ws('|', id, contact_id, content, direction, "timestamp"), ',' ORDER BY id)) AS m
                               FROM messages`)
      ).rows[0].m;
    const contacts = async () =>
      (
        await db.pool.query(
          `SELECT md5(string_agg(name || phone_number, ',' ORDER BY id)) AS m FROM contacts`,
        )
      ).rows[0].m;
    const before = [await digest(), await contacts()];
    const result = await seed(db.pool, { ...small, reset: true }, quiet);
    assert.equal(result.status, "seeded");
    assert.deepEqual([await digest(), await contacts()], before);
  });

  test("a failed load leaves the previous data untouched", async () => {
    const before = (await db.pool.query("SELECT count(*)::int AS n FROM messages")).rows[0].n;
    await assert.rejects(
      seed(db.pool, { ...small, reset: true, contentPath: "/nonexistent/file.csv" }, quiet),
      /nonexistent/,
    );
    const afterCount = (await db.pool.query("SELECT count(*)::int AS n FROM messages")).rows[0].n;
    assert.equal(afterCount, before);
  });
});
