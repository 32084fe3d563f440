import assert from "node:assert/strict";
import { test } from "node:test";
import { countWrongSummaries } from "../src/conversations/integrity.ts";
import { type Strategy, UNBOUNDED } from "../src/conversations/planner.ts";
import { parseSearchTerm } from "../src/conversations/search-term.ts";
import { refreshInexactSignatures } from "../src/conversations/signature-refresh.ts";
import { createRandom } from "../src/seed/random.ts";
import { testServerForFile } from "./support/app.ts";

const ctx = testServerForFile();

/** Contact ids a plan finds for a term: by default the filter plan (signatures only, no sample). */
async function filterFinds(text: string, plan: Strategy = { kind: "filter" }): Promise<number[]> {
  const term = parseSearchTerm(text);
  assert.ok(term);
  const page = await ctx.server.services.conversations.searchWith(plan, term, {
    after: null,
    offset: 0,
    limit: 50,
  });
  return (JSON.parse(page.body) as Array<{ contact_id: number }>).map((row) => row.contact_id);
}

const signatureOf = async (contactId: number) =>
  (
    await ctx.db.pool.query<{ bits: number }>(
      "SELECT bit_count(content_signature)::int AS bits FROM contacts WHERE id = $1",
      [contactId],
    )
  ).rows[0]?.bits;

test("every way a text reaches a contact widens its signature, and the filter plan then finds it", async () => {
  const created = await ctx.server.send("POST", "/contacts", {
    name: "Signature Test",
    phone_number: "+1 212 555 0199",
  });
  const id = (created.body as { id: number }).id;
  assert.equal(await signatureOf(id), 0, "a new contact's signature is empty");

  const post = (content: string, timestamp?: string) =>
    ctx.server.send("POST", `/contacts/${id}/messages`, { content, direction: "inbound", timestamp });
  assert.equal((await post("latest message")).status, 201);
  assert.deepEqual(await filterFinds("qj"), []);

  // Back-dated: not the latest, still part of the contact's text.
  const old = await post("an old QJ memo", "2020-01-01T00:00:00Z");
  assert.equal(old.status, 201);
  assert.deepEqual(await filterFinds("qj"), [id]);

  // Edited in place by SQL (no API does it): the new text counts too.
  await ctx.db.pool.query(
    "UPDATE messages SET content = 'xz?!' WHERE contact_id = $1 AND content = 'latest message'",
    [id],
  );
  assert.deepEqual(await filterFinds("z?"), [id]);

  // Deleting a message keeps its bits (a superset stays correct); the probe then finds no match.
  assert.equal(
    (await ctx.server.send("DELETE", `/messages/${(old.body as { message_id: number }).message_id}`)).status,
    204,
  );
  assert.deepEqual(await filterFinds("qj"), []);
  assert.equal(await countWrongSummaries(ctx.db.pool), 0);
});

test("every way a character above ASCII or a rare ASCII mark reaches a contact posts it, and the characters plan then finds it", async () => {
  const charactersFind = (text: string) => filterFinds(text, { kind: "characters" });
  const { id, post } = await newContact("+1 212 555 0150");
  assert.deepEqual(await charactersFind("ø"), []);
  await post("plain ascii only");
  const posted = async () =>
    (
      await ctx.db.pool.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM contact_characters WHERE contact_id = $1",
        [id],
      )
    ).rows[0]?.n;
  assert.equal(await posted(), 0, "an ASCII text posts nothing");
  const smørrebrød = await post("SMØRREBRØD tonight");
  assert.deepEqual(await charactersFind("ø"), [id], "found by its lower-case form");
  await post("more ø, no new character");
  assert.equal(await posted(), 1, "a character already posted is not posted again");
  await ctx.db.pool.query("UPDATE messages SET content = 'now it says ☕' WHERE id = $1", [smørrebrød]);
  assert.deepEqual(await charactersFind("☕"), [id], "an edit posts what it brings");
  assert.equal((await ctx.server.send("PATCH", `/contacts/${id}`, { name: "Łukasz" })).status, 200);
  assert.deepEqual(await charactersFind("ł"), [id], "so does a new name");
  assert.deepEqual(await charactersFind("q}"), []);
  await post("see you at 5 {q} ok");
  assert.deepEqual(await charactersFind("q}"), [id], "a rare ASCII mark is posted too");
  // Deleting the last message with ø leaves it posted (a superset); the probe then finds no match.
  await ctx.db.pool.query("DELETE FROM messages WHERE contact_id = $1 AND content LIKE '%ø%'", [id]);
  assert.deepEqual(await charactersFind("ø"), []);
  assert.equal(await countWrongSummaries(ctx.db.pool), 0);
});

const isExact = async (contactId: number) =>
  (
    await ctx.db.pool.query<{ exact: boolean }>(
      "SELECT signature_exact AS exact FROM contacts WHERE id = $1",
      [contactId],
    )
  ).rows[0]?.exact;

/** A new contact, and a way to post it messages (answering each one's id). */
async function newContact(phone: string) {
  const created = await ctx.server.send("POST", "/contacts", { name: "Stale Bits", phone_number: phone });
  const id = (created.body as { id: number }).id;
  const post = async (content: string) => {
    const res = await ctx.server.send("POST", `/contacts/${id}/messages`, { content, direction: "inbound" });
    return (res.body as { message_id: number }).message_id;
  };
  return { id, post };
}

test("a delete or an edit marks the signature inexact, the walk then reads the thread, and the repair makes it exact again", async () => {
  const walkFinds = async (text: string) => filterFinds(text, { kind: "walk", budget: UNBOUNDED });
  const deleting = await newContact("+1 212 555 0142");
  const vq = await deleting.post("a VQ here");
  await deleting.post("an xk there");
  assert.equal(await isExact(deleting.id), true, "inserts keep a signature exact");
  assert.ok((await walkFinds("vq")).includes(deleting.id));
  assert.equal((await ctx.server.send("DELETE", `/messages/${vq}`)).status, 204);
  assert.equal(await isExact(deleting.id), false);
  assert.ok(!(await walkFinds("vq")).includes(deleting.id), "the stale vq bit does not count");
  assert.ok((await walkFinds("xk")).includes(deleting.id));
  // The flag is what decides: claimed exact, the stale bit alone counts the contact (no message is read).
  await ctx.db.pool.query("UPDATE contacts SET signature_exact = true WHERE id = $1", [deleting.id]);
  assert.ok((await walkFinds("vq")).includes(deleting.id));
  await ctx.db.pool.query("UPDATE contacts SET signature_exact = false WHERE id = $1", [deleting.id]);

  const editing = await newContact("+1 212 555 0143");
  const jw = await editing.post("a jw note");
  await ctx.db.pool.query("UPDATE messages SET content = 'edited' WHERE id = $1", [jw]);
  assert.equal(await isExact(editing.id), false, "an edit marks it too");
  assert.ok(!(await walkFinds("jw")).includes(editing.id));
  assert.equal(await countWrongSummaries(ctx.db.pool), 0);

  // The background repair recomputes both from their messages: exact again, without the removed text's bits.
  assert.ok((await refreshInexactSignatures(ctx.db.pool, 100)) >= 2);
  assert.equal(await isExact(deleting.id), true);
  assert.equal(await isExact(editing.id), true);
  assert.ok(!(await walkFinds("vq")).includes(deleting.id));
  assert.ok((await walkFinds("xk")).includes(deleting.id));
  assert.equal(await countWrongSummaries(ctx.db.pool), 0);
});

test("the repair skips a thread too long to read under its lock, and reaches the shorter ones behind it", async () => {
  await refreshInexactSignatures(ctx.db.pool, 1_000);
  const older = await newContact("+1 212 555 0144");
  await older.post("an older conversation");
  await ctx.db.pool.query("UPDATE contacts SET signature_exact = false WHERE id = $1", [older.id]);
  // 2,001 messages (one over the repair's limit), all newer than the other contact's: first in its order.
  const long = await newContact("+1 212 555 0145");
  await ctx.db.pool.query(
    `INSERT INTO messages (contact_id, content, direction, "timestamp")
     SELECT $1, 'message ' || n, 'inbound', now() + n * interval '1 ms' FROM generate_series(1, 2001) n`,
    [long.id],
  );
  await ctx.db.pool.query("UPDATE contacts SET signature_exact = false WHERE id = $1", [long.id]);

  assert.equal(await refreshInexactSignatures(ctx.db.pool, 1), 1);
  assert.equal(await isExact(older.id), true, "the shorter thread behind the long one is repaired");
  assert.equal(await isExact(long.id), false, "the long thread stays inexact");
});

/** Seeded random words of min to min + spread - 1 characters over a small alphabet, so terms often occur. */
function randomWords(seed: number) {
  const random = createRandom(seed);
  const ALPHABET = [..."abAB1-é "];
  return (min: number, spread: number) =>
    Array.from({ length: min + random.int(spread) }, () => ALPHABET[random.int(ALPHABET.length)]).join("");
}

test("the two probe bits never reject a text that holds the term, and for 1–2 characters they are the whole test", async () => {
  // Seeded random short terms over a small alphabet (so they often occur) against random texts, checked in SQL
  // with the same functions the search statements use.
  const word = randomWords(7);
  const terms = Array.from({ length: 2000 }, () => word(1, 4));
  const texts = Array.from({ length: 2000 }, () => word(2, 12));
  const { rows } = await ctx.db.pool.query<{
    term: string;
    text: string;
    holds: boolean;
    full: boolean;
    probe: boolean;
  }>(
    `SELECT term, text,
            strpos(lower(text), lower(term)) > 0 AS holds,
            text_signature(text) & text_signature(term) = text_signature(term) AS full,
            signature_may_match(text_signature(text), signature_probe_bits(term)) AS probe
       FROM unnest($1::text[], $2::text[]) AS s(term, text)`,
    [terms, texts],
  );
  assert.equal(rows.length, 2000);
  for (const r of rows) {
    if (r.holds) assert.ok(r.probe, `"${r.term}" in "${r.text}" but the probe bits reject it`);
    if (r.full) assert.ok(r.probe, `the probe is narrower than the full test for "${r.term}" in "${r.text}"`);
    if ([...r.term].length <= 2) assert.equal(r.probe, r.full, `"${r.term}" in "${r.text}"`);
  }
  assert.ok(rows.some((r) => r.holds) && rows.some((r) => !r.probe), "the sample has both outcomes");
});

test("a trigram bloom never rejects a text that holds the term", async () => {
  // As above, with longer terms (a bloom tests only terms of 3+ characters) over a small alphabet.
  const word = randomWords(11);
  const terms = Array.from({ length: 2000 }, () => word(1, 5));
  const texts = Array.from({ length: 2000 }, () => word(3, 30));
  const { rows } = await ctx.db.pool.query<{ term: string; text: string; holds: boolean; passes: boolean }>(
    `SELECT term, text,
            strpos(lower(text), lower(term)) > 0 AS holds,
            trigram_probe(term) IS NULL
              OR text_trigram_bloom(text) & trigram_probe(term) = trigram_probe(term) AS passes
       FROM unnest($1::text[], $2::text[]) AS s(term, text)`,
    [terms, texts],
  );
  for (const r of rows) {
    if (r.holds) assert.ok(r.passes, `"${r.term}" in "${r.text}" but the bloom rejects it`);
  }
  assert.ok(
    rows.some((r) => r.holds && [...r.term].length >= 3),
    "some long terms occur",
  );
  assert.ok(
    rows.some((r) => !r.passes),
    "the bloom rejects some texts",
  );
});
