import http from "node:http";
import pg from "pg";
import { START, STATEMENTS } from "../src/conversations/queries.ts";

/**
 * The floor: the least any Node server answering from PostgreSQL can do per request. node:http (no Express, no
 * middleware, no validation) and one pg connection, answering every request with one statement: `constant`
 * (a constant: the two round trips alone) or `page-1` (the API's page-1 statement, prepared with a generic plan
 * as the API's list pool does, its JSON text sent as it is). Page 1 through the API is measured beside it; the
 * gap between the two is all the API's own cost.
 */
const [databaseUrl, port, mode] = process.argv.slice(2) as [string, string, "constant" | "page-1"];
const client = new pg.Client({
  connectionString: databaseUrl,
  options: "-c timezone=UTC -c plan_cache_mode=force_generic_plan",
});
await client.connect();
const query =
  mode === "page-1"
    ? { name: "page-1", text: STATEMENTS.list, values: [START.at, START.id, 50, 0] }
    : { name: "constant", text: "SELECT '[]' AS body" };
const server = http.createServer(async (_req, res) => {
  try {
    const { rows } = await client.query<{ body: string }>(query);
    res.writeHead(200, { "content-type": "application/json" }).end(rows[0]?.body);
  } catch (error) {
    res.writeHead(500).end(String(error));
  }
});
server.listen(Number(port), "127.0.0.1", () => process.send?.("ready"));
