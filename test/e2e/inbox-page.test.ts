import assert from "node:assert/strict";
import { mkdir } from "node:fs/promises";
import { after, before, describe, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { seed } from "../../src/seed/seed.ts";
import { startTestServer, type TestServer } from "../support/app.ts";
import { launchChromium, withoutChromium } from "../support/browser.ts";
import { createTestDatabase, type TestDatabase } from "../support/database.ts";
import { loadOracle } from "../support/oracle.ts";

/** The inbox page in Debian's Chromium, driven by Playwright: what a reviewer does, checked. */
const skip = withoutChromium;
const ARTIFACTS = "test-artifacts";

describe("the inbox page", { skip }, () => {
  let db: TestDatabase;
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let oracle: Awaited<ReturnType<typeof loadOracle>>;

  before(async () => {
    db = await createTestDatabase();
    await seed(
      db.pool,
      {
        contacts: 300,
        messages: 6_000,
        contentPath: undefined,
        randomSeed: 5,
        reset: false,
        interactive: false,
      },
      () => {},
    );
    await db.pool.query("ANALYZE");
    server = await startTestServer(db);
    oracle = await loadOracle(db.pool);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
    await mkdir(ARTIFACTS, { recursive: true });
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    await db?.drop();
  });

  const items = () => page.locator("#conversations button.conversation");

  test("shows the newest conversations and the query time", async () => {
    await page.goto(server.url);
    await page.waitForFunction(() => document.querySelectorAll("button.conversation").length >= 50);
    const names = await items().locator(".name").allTextContents();
    assert.deepEqual(
      names.slice(0, 50),
      oracle
        .expected()
        .slice(0, 50)
        .map((c) => c.name),
    );
    assert.match((await page.textContent("#status")) ?? "", /database \d+\.\d ms \(list\)/);
  });

  test("scrolling loads the next pages by cursor", async () => {
    for (let i = 0; i < 10 && (await items().count()) < 150; i++) {
      await page.locator("#list-end").scrollIntoViewIfNeeded();
      await page.waitForTimeout(200);
    }
    assert.ok((await items().count()) >= 150, "reached the third page");
    const ids = await items().evaluateAll((nodes) => nodes.map((n) => (n as HTMLElement).dataset.contactId));
    assert.equal(new Set(ids).size, ids.length, "no conversation twice");
  });

  test("searching shows the matches highlighted", async () => {
    const term = "the";
    await page.fill("#search", term);
    const expected = oracle
      .expected(term)
      .slice(0, 50)
      .map((c) => c.name);
    await page.waitForFunction(
      (n) => document.querySelectorAll("button.conversation").length === n && document.querySelector("mark"),
      expected.length,
    );
    assert.deepEqual((await items().locator(".name").allTextContents()).slice(0, 50), expected);
    const marks = await page.locator("mark").allTextContents();
    assert.ok(marks.length > 0 && marks.every((m) => m.toLowerCase() === term));
  });

  test("a conversation opens with the keyboard, shows its thread, and closes with Escape", async () => {
    await items().first().focus();
    await page.keyboard.press("Enter");
    await page.waitForSelector("#thread .bubble");
    assert.equal(
      await page.textContent("#thread-title"),
      await items().first().locator(".name").textContent(),
    );
    assert.match((await page.textContent("#status")) ?? "", /messages loaded · database/);
    await page.screenshot({ path: `${ARTIFACTS}/inbox-desktop.png` });
    await page.keyboard.press("Escape");
    assert.equal(await page.isHidden("#thread-pane"), true);
  });

  test("errors are shown to the user: a 4xx detail, and an unreachable server", async () => {
    const api = (url: URL) => url.pathname === "/conversations";
    await page.route(api, (route) =>
      route.fulfill({
        status: 400,
        contentType: "application/problem+json",
        body: JSON.stringify({ detail: "searchValue: must be at most 200 characters" }),
      }),
    );
    await page.fill("#search", "x");
    await page.waitForSelector("#list-state.error");
    assert.equal(await page.textContent("#list-state"), "searchValue: must be at most 200 characters");
    await page.unroute("**/conversations?*");
    await page.route(api, (route) => route.abort("connectionrefused"));
    await page.fill("#search", "y");
    await page.waitForFunction(() =>
      document.querySelector("#list-state")?.textContent?.includes("unreachable"),
    );
    await page.unroute(api);
  });

  test("a server with API_TOKEN: the page asks for the token once, then works", async () => {
    const token = "page-test-token-0123456789";
    const guarded = await startTestServer(db, { apiTokens: [token] });
    const tab = await browser.newPage();
    try {
      await tab.goto(guarded.url);
      await tab.waitForSelector("#token-form:not([hidden])");
      assert.match((await tab.textContent("#list-state")) ?? "", /access token/);
      await tab.fill("#token", token);
      await tab.press("#token", "Enter");
      await tab.waitForFunction(() => document.querySelectorAll("button.conversation").length >= 50);
      assert.equal(await tab.isHidden("#token-form"), true);
    } finally {
      await tab.close();
      await guarded.close();
    }
  });

  test("no results and a narrow screen", async () => {
    await page.fill("#search", "zzqqxxj");
    await page.waitForFunction(() =>
      document.querySelector("#list-state")?.textContent?.startsWith("No conversation matches"),
    );
    await page.setViewportSize({ width: 375, height: 740 });
    await page.fill("#search", "");
    await page.waitForFunction(() => document.querySelectorAll("button.conversation").length >= 50);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `no horizontal scrolling at 375 px (overflow ${overflow}px)`);
    await page.screenshot({ path: `${ARTIFACTS}/inbox-mobile.png` });
  });
});
