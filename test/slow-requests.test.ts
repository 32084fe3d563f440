import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import { test } from "node:test";
import express from "express";
import pino from "pino";
import { slowRequestLog } from "../src/http/slow-requests.ts";

/** SLOW_REQUEST_MS: a request over the threshold is logged with where its time went; one under it is not. */
test("a slow request's line: total, database (from Server-Timing), garbage collection and the time outside the statement", async () => {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  const app = express();
  app.use(slowRequestLog(20, pino(sink)));
  app.get("/slow", async (_req, res) => {
    await new Promise((resolve) => setTimeout(resolve, 40));
    res.setHeader("Server-Timing", 'db;dur=12.50;desc="list"');
    res.json([]);
  });
  app.get("/fast", (_req, res) => {
    res.json([]);
  });
  const server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    await (await fetch(`${url}/fast`)).text();
    await (await fetch(`${url}/slow`)).text();
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(lines.length, 1, JSON.stringify(lines));
    const line = lines[0] as {
      msg: string;
      path: string;
      status: number;
      ms: number;
      dbMs: number;
      gcMs: number;
      outsideDbMs: number;
    };
    assert.equal(line.msg, "slow request");
    assert.equal(line.path, "/slow");
    assert.equal(line.status, 200);
    assert.ok(line.ms >= 40, String(line.ms));
    assert.equal(line.dbMs, 12.5);
    assert.ok(line.gcMs >= 0 && line.gcMs <= line.ms);
    assert.ok(Math.abs(line.ms - line.dbMs - line.outsideDbMs) < 0.05);
  } finally {
    server.close();
  }
});
