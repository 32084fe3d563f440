import { type ParseArgsConfig, parseArgs } from "node:util";
import { z } from "zod";

/**
 * Command-line options for the project's CLIs: strict parsing (unknown options refused), `-h/--help`, and
 * validation by a zod schema. A usage error prints the problem and the help, and exits 2.
 */
export function parseCommandLine<T extends z.ZodType>(
  argv: string[],
  options: NonNullable<ParseArgsConfig["options"]>,
  schema: T,
  help: string,
): z.infer<T> {
  const usage = (message: string): never => {
    console.error(`${message}\n\n${help}`);
    process.exit(2);
  };
  let values: Record<string, unknown> = {};
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: { ...options, help: { type: "boolean", short: "h" } },
    }));
  } catch (error) {
    usage((error as Error).message);
  }
  if (values.help) {
    console.log(help);
    process.exit(0);
  }
  const { help: _, ...given } = values;
  const parsed = schema.safeParse(given);
  if (!parsed.success) {
    return usage(parsed.error.issues.map((i) => `--${i.path.join(".")}: ${i.message}`).join("\n"));
  }
  return parsed.data;
}

/** For a command that takes no option: `-h/--help` prints `help`, anything else is a usage error. */
export function parseHelpOnly(argv: string[], help: string): void {
  parseCommandLine(argv, {}, noOptions, help);
}

const noOptions = z.object({});
