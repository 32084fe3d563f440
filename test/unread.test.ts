import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { testServerForFile } from "./support/app.ts";
import { loadOracle } from "./support/oracle.ts";

const ctx = testServerForFile();

type Row = { contact_id: number; unread_count: number };
type Marker = { contact_id: number; read_up_to_message_id: number | null; unread_count: number };

let phone = 7_000_000;
async function contact(name: string): Promise<number> {
  const res = await ctx.server.send("POST", "/contacts", { name, phone_number: `+1 415 ${phone++}` });
  return (res.body as { id: number }).id;
}
async function post(id: number, direction: "inbound" | "outbound", timestamp?: string): Promise<number> {
  const body = {
    content: `${direction} ${timestamp ?? "now"}`,
    direction,
    ...(timestamp ? { timestamp } : {}),
  };
  const res = await ctx.server.send("POST", `/contacts/${id}/messages`, body);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return (res.body as { message_id: number }).message_id;
}
const rowOf = async (id: number) =>
  ((await ctx.server.get("/conversations?limit=100")).body as Row[]).find((r) => r.contact_id === id);
const markRead = (id: number, body?: object) => ctx.server.send("POST", `/contacts/${id}/read`, body);

describe("unread counts", () => {
  test("count inbound messages past the read marker, which marks move either way", async () => {
    const id = await contact("Unread Ursula");
    const first = await post(id, "inbound", "2026-03-01T10:00:00Z");
    await post(id, "outbound", "2026-03-01T10:01:00Z");
    const third = await post(id, "inbound", "2026-03-01T10:02:00Z");
    await post(id, "inbound", "2026-03-01T10:03:00Z");
    assert.equal((await rowOf(id))?.unread_count, 3, "a new contact has read nothing");

    const all = await markRead(id);
    assert.equal(all.status, 200);
    assert.equal((all.body as Marker).unread_count, 0);
    assert.equal((await rowOf(id))?.unread_count, 0);

    const back = (await markRead(id, { message_id: first })).body as Marker;
    assert.deepEqual(back, { contact_id: id, read_up_to_message_id: first, unread_count: 2 });
    await post(id, "inbound", "2026-02-01T00:00:00Z"); // back-dated before the marker: read already
    await post(id, "outbound");
    assert.equal((await rowOf(id))?.unread_count, 2);
    assert.equal((await ctx.server.send("DELETE", `/messages/${third}`)).status, 204);
    assert.equal((await rowOf(id))?.unread_count, 1);
  });

  test("?unread=true lists only unread conversations, in order, by page and by cursor", async () => {
    const ids = [await contact("Waiting One"), await contact("Waiting Two"), await contact("Answered")];
    for (const id of ids) await post(id, "inbound");
    await markRead(ids[2] as number);
    const oracle = await loadOracle(ctx.db.pool);
    const expected = oracle.expected().filter((r) => r.unread_count > 0);
    assert.ok(expected.length >= 2);
    assert.deepEqual((await ctx.server.get("/conversations?unread=true&limit=100")).body, expected);

    const seen: Row[] = [];
    let path = "/conversations?unread=true&limit=1";
    for (;;) {
      const page = await ctx.server.get(path);
      seen.push(...(page.body as Row[]));
      const link = page.headers.get("link");
      if (!link) break;
      assert.match(link, /unread=true/);
      path = (/<([^>]+)>/.exec(link) as RegExpExecArray)[1] as string;
    }
    assert.deepEqual(seen, expected);
    const second = await ctx.server.get("/conversations?unread=true&limit=1&page=2");
    assert.deepEqual(second.body, expected.slice(1, 2));
  });

  test("bad marks and filters are 4xx naming the field", async () => {
    const mine = await contact("Marker Mine");
    const theirs = await contact("Marker Theirs");
    const foreign = await post(theirs, "inbound");
    const problem = async (
      res: Promise<{ status: number; body: unknown }>,
      status: number,
      field: RegExp,
    ) => {
      const { status: got, body } = await res;
      assert.equal(got, status, JSON.stringify(body));
      assert.match((body as { detail: string }).detail, field);
    };
    await problem(markRead(mine, { message_id: foreign }), 400, /^message_id: is not a message of contact/);
    await problem(markRead(mine, { message_id: "7" }), 400, /^message_id/);
    await problem(markRead(mine, { message_id: 2 ** 60 }), 400, /^message_id/);
    await problem(markRead(mine, { up_to: 1 }), 400, /^up_to: is not accepted here/);
    await problem(markRead(9_999_999), 404, /contact not found/);
    await problem(ctx.server.send("POST", "/contacts/abc/read"), 400, /^id/);
    await problem(ctx.server.get("/conversations?unread=yes"), 400, /^unread: must be true or false/);
    await problem(
      ctx.server.get("/conversations?unread=true&searchValue=a"),
      400,
      /^unread: cannot be combined/,
    );
    assert.equal((await markRead(mine, { message_id: foreign })).status, 400, "and nothing moved");
    assert.equal((await rowOf(theirs))?.unread_count, 1);
  });
});
