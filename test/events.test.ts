import assert from "node:assert/strict";
import { connect } from "node:net";
import { after, before, describe, test } from "node:test";
import type { ConversationEvent } from "../src/events/hub.ts";
import {
  startTestServer,
  TEST_STREAMS_PER_CLIENT,
  type TestServer,
  testServerForFile,
} from "./support/app.ts";
import { eventually } from "./support/process.ts";
import { openStream, type StreamEvent, type TestStream } from "./support/sse.ts";

const ctx = testServerForFile();

type Row = { contact_id: number; content: string; unread_count: number; name: string };
type Change = { contact_id: number; conversation: Row | null };

let phone = 8_000_000;
async function contact(name: string): Promise<number> {
  const res = await ctx.server.send("POST", "/contacts", { name, phone_number: `+1 312 ${phone++}` });
  return (res.body as { id: number }).id;
}
const post = (id: number, content: string, direction = "inbound") =>
  ctx.server.send("POST", `/contacts/${id}/messages`, { content, direction });
const change = (e: StreamEvent) => JSON.parse(e.data) as Change;
const about = (id: number) => (e: StreamEvent) => e.event === "conversation" && change(e).contact_id === id;
const stream = (query = "", headers: Record<string, string> = {}) =>
  openStream(`${ctx.server.url}/events${query}`, headers);

async function withStreams<T>(streams: TestStream[], work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } finally {
    for (const s of streams) s.close();
  }
}

describe("GET /events", () => {
  before(async () => {
    // The feed listens on its own connection, started with the server: wait until it does.
    assert.ok(await eventually(() => ctx.server.services.events?.feed.listening() === true, 5_000));
  });

  test("a committed message reaches every open stream, with the conversation's row as the list shows it", async () => {
    const id = await contact("Live Lena");
    const [one, two] = [await stream(), await stream()];
    await withStreams([one, two], async () => {
      assert.equal(one.status, 200);
      assert.equal((await post(id, "hello live")).status, 201);
      const [a, b] = [await one.next(about(id)), await two.next(about(id))];
      assert.deepEqual(a, b);
      const listed = ((await ctx.server.get("/conversations?limit=1")).body as Row[])[0];
      assert.deepEqual(change(a), { contact_id: id, conversation: listed });
      assert.equal(change(a).conversation?.unread_count, 1);
      // Marking it read moves the conversation too.
      await ctx.server.send("POST", `/contacts/${id}/read`);
      assert.equal(change(await one.next(about(id))).conversation?.unread_count, 0);
    });
  });

  test("only committed changes are sent, in commit order", async () => {
    const [first, second] = [await contact("Commits First"), await contact("Commits Second")];
    const events = await stream();
    await withStreams([events], async () => {
      const open = await ctx.db.pool.connect();
      try {
        await open.query("BEGIN");
        await open.query(
          "INSERT INTO messages (contact_id, content, direction) VALUES ($1, 'held back', 'inbound')",
          [first],
        );
        await post(second, "committed at once");
        const early = await events.next((e) => about(first)(e) || about(second)(e));
        assert.equal(change(early).contact_id, second, "the uncommitted write was not sent");
        await open.query("COMMIT");
      } finally {
        open.release();
      }
      const late = await events.next(about(first));
      assert.equal(change(late).conversation?.content, "held back");
      const sequence = (e: StreamEvent) => Number(e.id?.split(".")[1]);
      assert.ok(sequence(late) > sequence(events.received.find(about(second)) as StreamEvent));
    });
  });

  test("Last-Event-ID resumes what was missed; an id the server no longer holds gets a reset", async () => {
    const id = await contact("Resume Rita");
    const events = await stream();
    const seen = await withStreams([events], async () => {
      for (const text of ["one", "two", "three"]) {
        await post(id, text);
        await events.next(about(id));
      }
      return events.received.filter(about(id));
    });
    const resumed = await stream("", { "last-event-id": seen[0]?.id as string });
    await withStreams([resumed], async () => {
      const replay = [await resumed.next(about(id)), await resumed.next(about(id))];
      assert.deepEqual(replay, seen.slice(1));
    });
    const epoch = String(seen[0]?.id).split(".")[0];
    const stale = await stream("", {
      "last-event-id": `${epoch === "00000000" ? "ffffffff" : "00000000"}.5`,
    });
    await withStreams([stale], async () => {
      const reset = await stale.next();
      assert.equal(reset.event, "reset");
      assert.equal(
        reset.id,
        ctx.server.services.events?.hub.position(),
        "a reconnect after the reload resumes from now",
      );
    });
  });

  test("bad Last-Event-ID, bad filters, too many streams: 4xx problems naming the field", async () => {
    const problem = async (query: string, headers: Record<string, string>, status: number, field: RegExp) => {
      const res = await fetch(`${ctx.server.url}/events${query}`, { headers });
      assert.equal(res.status, status);
      assert.equal(res.headers.get("content-type"), "application/problem+json; charset=utf-8");
      assert.match(((await res.json()) as { detail: string }).detail, field);
    };
    await problem("", { "last-event-id": "yesterday" }, 400, /^Last-Event-ID: is not an event id/);
    const position = ctx.server.services.events?.hub.position() as string;
    await problem(
      "",
      { "last-event-id": `${position.split(".")[0]}.999999` },
      400,
      /^Last-Event-ID: is ahead/,
    );
    await problem("?searchValue=%01", {}, 400, /^searchValue: must not contain control characters/);
    await problem("?colour=red", {}, 400, /^colour: is not accepted here/);
    const streams = await Promise.all(Array.from({ length: TEST_STREAMS_PER_CLIENT }, () => stream()));
    await withStreams(streams, () => problem("", {}, 429, /at most 20 open streams per client/));
  });

  test("?searchValue= sends only the conversations that search matches", async () => {
    const id = await contact("Filter Fiona");
    const other = await contact("Filter Felix");
    const filtered = await stream("?searchValue=zebra%20crossing");
    await withStreams([filtered], async () => {
      await post(other, "nothing to see");
      await post(id, "meet at the Zebra Crossing");
      const first = await filtered.next((e) => e.event === "conversation");
      assert.equal(change(first).contact_id, id);
      assert.ok(!filtered.received.some(about(other)));
    });
  });

  test("a client that stops reading is cut, and its stream freed", async () => {
    const hub = ctx.server.services.events?.hub;
    assert.ok(hub);
    // The earlier tests' streams, closed by their clients, leave the hub first.
    assert.ok(await eventually(() => hub.listeners() === 0, 3_000));
    const before = 0;
    const port = new URL(ctx.server.url).port;
    const socket = connect(Number(port), "127.0.0.1");
    socket.write("GET /events HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n");
    socket.pause(); // never read: the kernel's buffers fill, then the server's
    assert.ok(await eventually(() => hub.listeners() === before + 1, 3_000));
    const big: ConversationEvent[] = Array.from({ length: 400 }, (_, i) => ({
      id: hub.position(),
      contactId: -1 - i,
      data: JSON.stringify({ contact_id: -1, padding: "x".repeat(64 * 1024) }),
    }));
    for (const event of big) hub.publish({ kind: "events", events: [event] });
    assert.ok(await eventually(() => hub.listeners() === before, 5_000), "the slow stream was not dropped");
    socket.destroy();
  });

  test("a lost listening connection: streams get a reset once the feed listens again", async () => {
    const events = await stream();
    await withStreams([events], async () => {
      await ctx.db.pool.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'inbox-changes' AND datname = current_database()",
      );
      const reset = await events.next((e) => e.event === "reset", 10_000);
      assert.match(JSON.parse(reset.data).reason, /listening connection was lost/);
      const id = await contact("After The Reset");
      await post(id, "still live");
      assert.equal(change(await events.next(about(id))).conversation?.content, "still live");
    });
  });

  test("stopping the server ends its streams", async () => {
    const events = await stream();
    ctx.server.services.closeStreams();
    await events.ended;
  });
});

describe("GET /events behind API_TOKEN", () => {
  const TOKEN = "events-token-0123456789";
  let server: TestServer;
  before(async () => {
    server = await startTestServer(ctx.db, { apiTokens: [TOKEN] });
    assert.ok(await eventually(() => server.services.events?.feed.listening() === true, 5_000));
  });
  after(() => server.close());

  test("a browser opens it with a short-lived ticket, asked for with the token", async () => {
    assert.equal((await fetch(`${server.url}/events`)).status, 401);
    const issued = await fetch(`${server.url}/events/tickets`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    assert.equal(issued.status, 201);
    const { ticket, expires_at } = (await issued.json()) as { ticket: string; expires_at: string };
    assert.ok(Date.parse(expires_at) - Date.now() <= 60_000);
    const events = await openStream(`${server.url}/events?ticket=${encodeURIComponent(ticket)}`);
    events.close();
    assert.equal(events.status, 200);
    const [expires, signature] = ticket.split(".");
    assert.equal(
      (await fetch(`${server.url}/events?ticket=${Number(expires) + 1}.${signature}`)).status,
      401,
    );
    assert.equal((await fetch(`${server.url}/events?ticket=${Date.now() - 1}.${signature}`)).status, 401);
    assert.equal(
      (await fetch(`${server.url}/conversations?ticket=${ticket}`)).status,
      401,
      "only the stream",
    );
  });
});
