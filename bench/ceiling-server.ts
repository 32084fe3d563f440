import { readFileSync } from "node:fs";
import express from "express";

/**
 * The ceiling: a bare Express 5 route sending a fixed body from memory (page 1 of the real API, captured
 * by the benchmark). Nothing can be faster through Express on the same machine.
 */
const body = readFileSync(process.argv[2] as string);
const port = Number(process.argv[3]);
const app = express();
app.disable("x-powered-by");
app.set("etag", false);
app.get("/conversations", (_req, res) => {
  res.type("application/json").send(body);
});
app.listen(port, "127.0.0.1", () => process.send?.("ready"));
