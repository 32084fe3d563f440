import { Router } from "express";
import type { Pool } from "../db/pool.ts";

/**
 * `/healthz`: the process is up. `/readyz`: the database answers and carries the latest migration,
 * so a load balancer only sends traffic to an instance that can serve it. It also reports `background`
 * start-up work, which does not gate readiness: until it is done some requests are slower (benchmarks wait).
 */
export function healthRoutes(pool: Pool, latestMigration: number, background: () => object): Router {
  const router = Router();
  router.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });
  router.get("/readyz", async (_req, res) => {
    try {
      const { rows } = await pool.query<{ version: number | null }>(
        "SELECT max(version) AS version FROM schema_migrations",
      );
      const version = rows[0]?.version ?? null;
      const ready = version === latestMigration;
      res.status(ready ? 200 : 503).json({
        status: ready ? "ready" : "migrating",
        database: "reachable",
        migration: { applied: version, expected: latestMigration },
        ...background(),
      });
    } catch {
      res.status(503).json({ status: "unavailable", database: "unreachable" });
    }
  });
  return router;
}
