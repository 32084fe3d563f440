import assert from "node:assert/strict";
import type { IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import express from "express";
import { createHttpServer } from "../src/http/server.ts";

/**
 * createHttpServer creates requests and responses that already have the app's prototypes, so Express's
 * per-request Object.setPrototypeOf finds nothing to change (why that matters: the comment in server.ts).
 */
describe("HTTP server: requests born with the app's prototypes", () => {
  const app = express();
  app.get("/echo", (req, res) => {
    res.set("X-Host", req.hostname).json({ query: req.query, path: req.path });
  });
  const server = createHttpServer(app);
  const seen: Array<{ request: boolean; response: boolean }> = [];
  // Runs before Express (prepended to the 'request' listeners): the objects as Node created them.
  server.prependListener("request", (req: IncomingMessage, res) => {
    seen.push({
      request: Object.getPrototypeOf(req) === app.request,
      response: Object.getPrototypeOf(res) === app.response,
    });
  });
  let url = "";

  before(async () => {
    server.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise((resolve) => server.close(resolve)));

  test("every request and response has the app's prototype before Express sees it", async () => {
    for (let i = 0; i < 3; i++) await (await fetch(`${url}/echo`)).arrayBuffer();
    assert.deepEqual(seen, Array(3).fill({ request: true, response: true }));
  });

  test("Express's request and response methods work on them", async () => {
    const response = await fetch(`${url}/echo?term=a%20b`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("x-host"), "127.0.0.1");
    assert.deepEqual(await response.json(), { query: { term: "a b" }, path: "/echo" });
  });
});
