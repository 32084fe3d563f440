import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { testServerForFile } from "./support/app.ts";

const ctx = testServerForFile();

type Contact = {
  id: number;
  name: string;
  phone_number: string;
  last_message: { message_id: number } | null;
};
type Message = {
  message_id: number;
  contact_id: number;
  content: string;
  direction: string;
  timestamp: string;
};

let phoneSeq = 5550000;
const newContact = async (name = "Ada Lovelace") =>
  (await ctx.server.send("POST", "/contacts", { name, phone_number: `+1 (212) ${phoneSeq++}` }))
    .body as Contact;
const post = (contactId: number, body: object) =>
  ctx.server.send("POST", `/contacts/${contactId}/messages`, body);
const expectProblem = (res: { status: number; body: unknown }, status: number, field: string) => {
  assert.equal(res.status, status, JSON.stringify(res.body));
  assert.match((res.body as { detail: string }).detail, new RegExp(field));
};

describe("contacts", () => {
  test("create, read, rename: the change shows in search at once", async () => {
    const created = await ctx.server.send("POST", "/contacts", {
      name: "  Grace Hopper ",
      phone_number: "+44 20 7946 0958",
    });
    assert.equal(created.status, 201);
    const contact = created.body as Contact;
    assert.deepEqual(
      { ...contact, id: 0 },
      { id: 0, name: "Grace Hopper", phone_number: "+44 20 7946 0958", last_message: null },
    );
    assert.deepEqual((await ctx.server.get(`/contacts/${contact.id}`)).body, contact);
    await post(contact.id, { content: "hello", direction: "inbound" });
    const renamed = await ctx.server.send("PATCH", `/contacts/${contact.id}`, {
      name: "Rear Admiral Hopper",
    });
    assert.equal((renamed.body as Contact).name, "Rear Admiral Hopper");
    assert.ok((renamed.body as Contact).last_message);
    const found = (await ctx.server.get("/conversations?searchValue=admiral")).body as Array<{
      contact_id: number;
    }>;
    assert.deepEqual(
      found.map((c) => c.contact_id),
      [contact.id],
    );
    await ctx.server.send("PATCH", `/contacts/${contact.id}`, { phone_number: "+44 20 7946 1111" });
    const byPhone = (await ctx.server.get("/conversations?searchValue=79461111")).body as Array<{
      contact_id: number;
    }>;
    assert.deepEqual(
      byPhone.map((c) => c.contact_id),
      [contact.id],
    );
  });

  test("a duplicate phone number, however spelled, is a 409", async () => {
    await ctx.server.send("POST", "/contacts", { name: "A", phone_number: "+1 415 555 0100" });
    const again = await ctx.server.send("POST", "/contacts", { name: "B", phone_number: "1 (415) 555-0100" });
    expectProblem(again, 409, "phone_number");
    const other = await newContact();
    expectProblem(
      await ctx.server.send("PATCH", `/contacts/${other.id}`, { phone_number: "14155550100" }),
      409,
      "phone_number",
    );
  });

  test("a body that is not JSON in UTF-8 is a 415 saying what is accepted", async () => {
    const post = async (contentType: string, body: string) => {
      const res = await fetch(`${ctx.server.url}/contacts`, {
        method: "POST",
        headers: { "content-type": contentType },
        body,
      });
      return { status: res.status, body: await res.json() };
    };
    const json = JSON.stringify({ name: "Ana", phone_number: "+1 212 555 0199" });
    expectProblem(await post("text/plain", json), 415, "application/json");
    expectProblem(await post("application/json; charset=utf-16", json), 415, "UTF-8");
    expectProblem(await post("application/json; charset=latin1", json), 415, "UTF-8");
    assert.equal((await post("application/json; charset=UTF-8", json)).status, 201);
  });

  test("bad input is a 400 naming the field; unknown ids are 404", async () => {
    expectProblem(
      await ctx.server.send("POST", "/contacts", { name: "", phone_number: "+1 555 0101" }),
      400,
      "name",
    );
    expectProblem(
      await ctx.server.send("POST", "/contacts", { name: "x".repeat(256), phone_number: "+1 555 0101" }),
      400,
      "name",
    );
    expectProblem(
      await ctx.server.send("POST", "/contacts", { name: "X", phone_number: "call me" }),
      400,
      "phone_number",
    );
    expectProblem(
      await ctx.server.send("POST", "/contacts", { name: "X", phone_number: "123" }),
      400,
      "phone_number",
    );
    expectProblem(
      await ctx.server.send("POST", "/contacts", { name: "X", phone_number: "5550101", admin: true }),
      400,
      "admin",
    );
    expectProblem(await ctx.server.send("POST", "/contacts", [1, 2]), 400, "body");
    expectProblem(await ctx.server.send("POST", "/contacts", "{not json"), 400, "JSON");
    expectProblem(await ctx.server.send("PATCH", "/contacts/1", {}), 400, "name, phone_number or both");
    expectProblem(await ctx.server.get("/contacts/abc"), 400, "id");
    expectProblem(await ctx.server.get("/contacts/0"), 400, "id");
    expectProblem(await ctx.server.get("/contacts/0x1"), 400, "id");
    expectProblem(await ctx.server.get("/contacts/99999999"), 404, "contact");
    expectProblem(await ctx.server.send("PATCH", "/contacts/99999999", { name: "Nobody" }), 404, "contact");
  });

  test("a body over 64 KB is a 413", async () => {
    const res = await ctx.server.send("POST", "/contacts", {
      name: "x".repeat(70_000),
      phone_number: "5550102",
    });
    assert.equal(res.status, 413);
  });
});

describe("messages", () => {
  test("posting makes it the conversation's latest; a back-dated one does not", async () => {
    const contact = await newContact();
    const first = (await post(contact.id, { content: "first", direction: "inbound" })).body as Message;
    assert.equal(first.contact_id, contact.id);
    const old = await post(contact.id, {
      content: "old",
      direction: "outbound",
      timestamp: "2020-01-01T00:00:00Z",
    });
    assert.equal(old.status, 201);
    assert.equal((old.body as Message).timestamp, "2020-01-01T00:00:00.000Z");
    const view = (await ctx.server.get(`/contacts/${contact.id}`)).body as Contact;
    assert.equal(view.last_message?.message_id, first.message_id);
    const [top] = (await ctx.server.get("/conversations?limit=1")).body as Array<{ message_id: number }>;
    assert.equal(top?.message_id, first.message_id);
  });

  test("deleting the latest makes the previous one latest; deleting the last one leaves the list", async () => {
    const contact = await newContact("Deletable");
    const a = (
      await post(contact.id, { content: "a", direction: "inbound", timestamp: "2024-01-01T00:00:00Z" })
    ).body as Message;
    const b = (
      await post(contact.id, { content: "b", direction: "inbound", timestamp: "2024-01-02T00:00:00Z" })
    ).body as Message;
    assert.equal((await ctx.server.send("DELETE", `/messages/${b.message_id}`)).status, 204);
    assert.equal(
      ((await ctx.server.get(`/contacts/${contact.id}`)).body as Contact).last_message?.message_id,
      a.message_id,
    );
    await ctx.server.send("DELETE", `/messages/${a.message_id}`);
    assert.equal(((await ctx.server.get(`/contacts/${contact.id}`)).body as Contact).last_message, null);
    const listed = (await ctx.server.get("/conversations?searchValue=deletable")).body as unknown[];
    assert.deepEqual(listed, []);
    expectProblem(await ctx.server.send("DELETE", `/messages/${a.message_id}`), 404, "message");
  });

  test("the thread: newest first, by cursor, every message once", async () => {
    const contact = await newContact();
    const sent: number[] = [];
    for (let i = 0; i < 23; i++) {
      // Pairs share a timestamp: the id breaks the tie.
      const at = new Date(Date.UTC(2025, 0, 1, 0, Math.floor(i / 2))).toISOString();
      sent.push(
        ((await post(contact.id, { content: `m${i}`, direction: "outbound", timestamp: at })).body as Message)
          .message_id,
      );
    }
    const seen: number[] = [];
    let path = `/contacts/${contact.id}/messages?limit=5`;
    for (;;) {
      const res = await ctx.server.get(path);
      seen.push(...(res.body as Message[]).map((m) => m.message_id));
      const link = res.headers.get("link");
      if (!link) break;
      path = link.slice(1, link.indexOf(">"));
    }
    assert.deepEqual(seen, [...sent].reverse());
    const other = await newContact();
    const cursor = (await ctx.server.get(`/contacts/${contact.id}/messages?limit=5`)).headers.get(
      "x-next-cursor",
    );
    expectProblem(await ctx.server.get(`/contacts/${other.id}/messages?cursor=${cursor}`), 400, "cursor");
  });

  test("bad input is a 400 naming the field; an unknown contact is a 404", async () => {
    const contact = await newContact();
    const cases: Array<[object, string]> = [
      [{ content: "", direction: "inbound" }, "content"],
      [{ content: "   ", direction: "inbound" }, "content"],
      [{ content: "x".repeat(4097), direction: "inbound" }, "content"],
      [{ content: 42, direction: "inbound" }, "content"],
      [{ content: "hi", direction: "sideways" }, "direction"],
      [{ content: "hi" }, "direction"],
      [{ content: "hi", direction: "inbound", timestamp: "yesterday" }, "timestamp"],
      [{ content: "hi", direction: "inbound", timestamp: "2999-01-01T00:00:00Z" }, "timestamp"],
      [{ content: "hi", direction: "inbound", extra: 1 }, "extra"],
    ];
    for (const [body, field] of cases) expectProblem(await post(contact.id, body), 400, field);
    const detail = async (body: object) => ((await post(contact.id, body)).body as { detail: string }).detail;
    assert.equal(await detail({ content: "", direction: "inbound" }), "content: must not be empty");
    assert.equal(
      await detail({ content: "hi", direction: "inbound", extra: 1 }),
      "extra: is not accepted here (accepted: content, direction, timestamp)",
    );
    expectProblem(await post(99_999_999, { content: "hi", direction: "inbound" }), 404, "contact");
    expectProblem(await ctx.server.get("/contacts/99999999/messages"), 404, "contact");
    expectProblem(await ctx.server.get(`/contacts/${contact.id}/messages?limit=0`), 400, "limit");
    expectProblem(await ctx.server.send("DELETE", "/messages/x"), 400, "id");
  });
});
