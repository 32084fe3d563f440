import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { seed } from "../../src/seed/seed.ts";
import { startTestServer, type TestServer } from "../support/app.ts";
import { launchChromium, withoutChromium } from "../support/browser.ts";
import { createTestDatabase, type TestDatabase } from "../support/database.ts";

/** Two inbox pages on one server, live: what one agent or the API does shows in both. */
const skip = withoutChromium;
const LIVE_MS = 1_000;

describe("the inbox page, live", { skip }, () => {
  let db: TestDatabase;
  let server: TestServer;
  let browser: Browser;
  let one: Page;
  let two: Page;
  let contact: { id: number; name: string };

  before(async () => {
    db = await createTestDatabase();
    const options = { contacts: 120, messages: 1_500, contentPath: undefined, randomSeed: 9 };
    await seed(db.pool, { ...options, reset: false, interactive: false }, () => {});
    server = await startTestServer(db);
    // The conversation furthest down page 1: a message to it must move it to the top.
    const { rows } = await db.pool.query<{ id: number; name: string }>(
      "SELECT id, name FROM contacts ORDER BY last_message_at DESC, id DESC OFFSET 40 LIMIT 1",
    );
    contact = rows[0] as { id: number; name: string };
    browser = await launchChromium();
    [one, two] = await Promise.all([browser.newPage(), browser.newPage()]);
    for (const page of [one, two]) {
      await page.goto(server.url);
      await page.waitForSelector("#live-state.live:not(.offline)");
    }
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    await db?.drop();
  });

  const top = (page: Page) => page.locator("#conversations button.conversation").first();
  const inbound = (content: string) =>
    server.send("POST", `/contacts/${contact.id}/messages`, { content, direction: "inbound" });

  test("a message posted through the API moves its conversation to the top of both pages, unread", async () => {
    assert.equal((await inbound("is my order on its way?")).status, 201);
    for (const page of [one, two]) {
      await page.waitForFunction(
        (id) =>
          document.querySelector("#conversations button.conversation")?.getAttribute("data-contact-id") ===
          id,
        String(contact.id),
        { timeout: LIVE_MS },
      );
      assert.match((await top(page).textContent()) ?? "", /is my order on its way\?/);
      assert.ok((await top(page).locator(".unread").textContent()) !== "0");
    }
  });

  test("opening it in one page clears the badge in both; a reply typed there shows in the other", async () => {
    await top(one).click();
    await one.waitForSelector("#thread .bubble");
    for (const page of [one, two]) {
      await page.waitForFunction(
        () => !document.querySelector("#conversations button.conversation")?.querySelector(".unread"),
        undefined,
        { timeout: LIVE_MS },
      );
    }
    await one.fill("#reply", "Yes, it ships today.");
    await one.press("#reply", "Enter");
    await one.waitForSelector("#thread .bubble.outbound:not(.pending) >> text=Yes, it ships today.", {
      timeout: LIVE_MS,
    });
    await two.waitForFunction(
      () =>
        document
          .querySelector("#conversations button.conversation .snippet")
          ?.textContent?.includes("ships today"),
      undefined,
      { timeout: LIVE_MS },
    );
    // The open thread follows new messages too.
    await inbound("great, thanks");
    await one.waitForSelector("#thread .bubble.inbound >> text=great, thanks", { timeout: LIVE_MS });
  });

  test("a reply the server cannot take stays with its reason and a retry that sends it", async () => {
    const messages = `**/contacts/${contact.id}/messages`;
    await one.route(messages, (route) =>
      route.request().method() === "POST" ? route.abort("connectionrefused") : route.continue(),
    );
    await one.fill("#reply", "This one must not be lost");
    await one.press("#reply", "Enter");
    const failed = one.locator("#thread .bubble.failed", { hasText: "This one must not be lost" });
    await failed.waitFor();
    assert.match((await failed.textContent()) ?? "", /Not sent: The server is unreachable/);
    await one.unroute(messages);
    await failed.locator("button.retry").click();
    await one.waitForSelector(
      "#thread .bubble.outbound:not(.pending):not(.failed) >> text=This one must not be lost",
    );
  });

  test("after a server restart the pages say they are offline, then resume and show what came meanwhile", async () => {
    const port = Number(new URL(server.url).port);
    await server.close();
    await one.waitForSelector("#live-state.offline");
    await db.pool.query(
      "INSERT INTO messages (contact_id, content, direction) VALUES ($1, 'sent while you were away', 'inbound')",
      [contact.id],
    );
    server = await startTestServer(db, {}, { port });
    for (const page of [one, two]) {
      await page.waitForSelector("#live-state.live:not(.offline)", { timeout: 10_000 });
      await page.waitForFunction(
        () =>
          document
            .querySelector("#conversations button.conversation .snippet")
            ?.textContent?.includes("away"),
        undefined,
        { timeout: 5_000 },
      );
    }
  });
});
