import { z } from "zod";
import { parseCommandLine } from "../cli-options.ts";
import { ConfigError } from "../config.ts";
import { withMigratedDatabase } from "../db/cli-database.ts";
import { checkPassed, checkSample, DEFAULT_CHECK, describeCheck } from "./integrity.ts";

const HELP = `Usage: npm run verify -- [options]

Compares a sample of contacts with the database's own recomputation from their messages: the last-message
pointer, the unread count, the content signature and whether it is marked exact, the trigram bloom, the signature posting list and
the name/number search row. Run it after a seed or an ingest run on a large data set (the seed and the
benchmark's ingest end with the same check). It applies pending migrations first, as npm start does, then only
reads. The database is DATABASE_URL, or the embedded server.

Options:
  --newest N       the N most recent conversations, where new messages went (default ${DEFAULT_CHECK.newest})
  --random N       about N contacts drawn at random from all (default ${DEFAULT_CHECK.uniform}); each costs ~70 µs
                   per message it holds
  -h, --help       show this help

Exit codes: 0 all equal, 1 a contact differs or the check failed (database), 2 usage error.`;

const count = z.coerce.number().int().min(0).max(10_000_000);
const optionsSchema = z.object({
  newest: count.default(DEFAULT_CHECK.newest),
  random: count.default(DEFAULT_CHECK.uniform),
});

/** `npm run verify`: the sampled integrity check on the current database. */
async function main(): Promise<void> {
  const options = parseCommandLine(
    process.argv.slice(2),
    { newest: { type: "string" }, random: { type: "string" } },
    optionsSchema,
    HELP,
  );
  await withMigratedDatabase(1, async (pool) => {
    const check = await checkSample(pool, { newest: options.newest, uniform: options.random });
    console.log(describeCheck(check));
    if (!checkPassed(check)) process.exitCode = 1;
  });
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
