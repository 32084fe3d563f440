import { writeFile } from "node:fs/promises";
import { z } from "zod";
import { parseCommandLine } from "../cli-options.ts";
import { openApiDocument } from "./openapi.ts";

const HELP = `Usage: npm run openapi -- [options]

Writes the OpenAPI 3.1 document that GET /openapi.json serves, generated from the zod schemas that validate
requests, without starting a server or a database: for client generators and linters (npm run lint:openapi).

Options:
  --out FILE   write it to FILE instead of standard output
  -h, --help   show this help`;

const optionsSchema = z.object({ out: z.string().min(1).optional() });

const options = parseCommandLine(process.argv.slice(2), { out: { type: "string" } }, optionsSchema, HELP);
const text = `${JSON.stringify(openApiDocument(), null, 2)}\n`;
if (options.out) await writeFile(options.out, text);
else process.stdout.write(text);
