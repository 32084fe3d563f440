import { readFileSync } from "node:fs";
import express from "express";
import { createHttpServer } from "../src/http/server.ts";

/**
 * The ceiling: a bare Express 5 route sending a fixed body from memory (page 1 of the real API, captured
 * by the benchmark). Nothing can be faster through Express on the same machine. `shipped` serves it as
 * `app.listen` does (Node's own request classes); `prototypes` through the API's createHttpServer, whose
 * requests are born with Express's prototypes (see src/http/server.ts).
 */
const [file, port, mode] = process.argv.slice(2) as [string, string, "shipped" | "prototypes"];
const body = readFileSync(file);
const app = express();
app.disable("x-powered-by");
app.set("etag", false);
app.get("/conversations", (_req, res) => {
  res.type("application/json").send(body);
});
const ready = () => process.send?.("ready");
if (mode === "prototypes") createHttpServer(app).listen(Number(port), "127.0.0.1", ready);
else app.listen(Number(port), "127.0.0.1", ready);
