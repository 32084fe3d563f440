import { z } from "zod";
import { parseCommandLine } from "../cli-options.ts";
import { ConfigError, isInteractive } from "../config.ts";
import { checkPassed } from "../conversations/integrity.ts";
import { withMigratedDatabase } from "../db/cli-database.ts";
import { CorpusError } from "./corpus.ts";
import { SeedPreflightError } from "./preflight.ts";
import { DEFAULT_CONTENT_PATH, seed } from "./seed.ts";
import { formatSummary } from "./summary.ts";

const HELP = `Usage: npm run seed -- [options]

Fills the database (DATABASE_URL, or the embedded server) with contacts and messages.
A populated database is left alone unless --reset is given.

Options:
  --scale N        N times the full data set: 100000×N contacts, 5000000×N messages (N from 0.01 to 20)
  --contacts N     contacts to create (default 100000)
  --messages N     messages to create, at least one per contact (default 5000000, at most 100000000)
  --content PATH   message_content.csv to draw texts from (default ${DEFAULT_CONTENT_PATH} when present,
                   otherwise generated chat lines)
  --seed N         random seed: the same seed gives the same data (default 42)
  --reset          delete existing contacts and messages and regenerate
  -h, --help       show this help

Before writing, it checks free memory and the database's free disk (when local) and refuses with what it
needs. After writing, it compares a sample of contacts (the 200 newest conversations and ~800 at random) with
the database's own recomputation of their pointers and search structures. Exit codes: 0 done or nothing to do,
1 failure (database, content file, not enough room, a sampled contact that differs), 2 usage error.`;

const FULL = { contacts: 100_000, messages: 5_000_000 };

const optionsSchema = z
  .object({
    scale: z.coerce.number().min(0.01).max(20).optional(),
    contacts: z.coerce.number().int().min(1).max(20_000_000).optional(),
    messages: z.coerce.number().int().min(1).max(100_000_000).optional(),
    content: z.string().min(1).optional(),
    seed: z.coerce
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .default(42),
    reset: z.boolean().default(false),
  })
  .refine((o) => o.scale === undefined || (o.contacts === undefined && o.messages === undefined), {
    message: "--scale sets both counts: give either --scale or --contacts/--messages",
    path: ["scale"],
  })
  .transform(({ scale, ...o }) => ({
    ...o,
    contacts: o.contacts ?? Math.round(FULL.contacts * (scale ?? 1)),
    messages: o.messages ?? Math.round(FULL.messages * (scale ?? 1)),
  }))
  .refine((o) => o.messages >= o.contacts, {
    message: "--messages must be at least --contacts: every contact gets at least one message",
    path: ["messages"],
  });

function parseOptions(argv: string[]) {
  return parseCommandLine(
    argv,
    {
      scale: { type: "string" },
      contacts: { type: "string" },
      messages: { type: "string" },
      content: { type: "string" },
      seed: { type: "string" },
      reset: { type: "boolean" },
    },
    optionsSchema,
    HELP,
  );
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  await withMigratedDatabase(2, async (pool) => {
    const result = await seed(
      pool,
      {
        contacts: options.contacts,
        messages: options.messages,
        contentPath: options.content,
        randomSeed: options.seed,
        reset: options.reset,
        interactive: isInteractive(),
      },
      (line) => console.log(line),
    );
    for (const line of formatSummary(result)) console.log(line);
    if (result.status === "seeded" && !checkPassed(result.integrity)) process.exitCode = 1;
  });
}

main().catch((error: unknown) => {
  const known =
    error instanceof CorpusError || error instanceof ConfigError || error instanceof SeedPreflightError;
  console.error(known ? (error as Error).message : error);
  process.exit(1);
});
