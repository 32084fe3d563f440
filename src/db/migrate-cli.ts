import { parseHelpOnly } from "../cli-options.ts";
import { ConfigError } from "../config.ts";
import { withMigratedDatabase } from "./cli-database.ts";

const HELP = `Usage: npm run migrate

Applies the pending migrations (src/db/migrations/*.sql, in order, each in its own transaction) to the
database (DATABASE_URL, or the embedded server) and exits. A no-op when the database is up to date; the server
and the seeder also apply them when they start.

Options:
  -h, --help       show this help

Exit codes: 0 done or nothing to do, 1 failure (database, a migration), 2 usage error.`;

/** `npm run migrate`: apply pending migrations and exit; a no-op when up to date. */
async function main(): Promise<void> {
  parseHelpOnly(process.argv.slice(2), HELP);
  await withMigratedDatabase(1, async (_pool, logger, applied) => {
    logger.info(applied.length ? `applied migrations ${applied.join(", ")}` : "database is up to date");
  });
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
