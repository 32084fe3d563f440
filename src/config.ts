import os from "node:os";
import path from "node:path";
import { z } from "zod";

/**
 * The only module that reads the environment. Everything else receives a frozen `Config`.
 * A bad value stops the process with a message naming the variable.
 */

const integer = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const flag = z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1");
/** Comma-separated values, each trimmed; empty items dropped. */
const commaList = z.string().transform((v) =>
  v
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean),
);
const postgresUrl = z.url({ protocol: /^postgres(ql)?$/ });

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  HOST: z.string().min(1).default("127.0.0.1"),
  PORT: integer(0, 65535).default(3000),
  // HTTP worker processes sharing the port (node:cluster); 1 serves from the one process.
  WEB_CONCURRENCY: integer(1, 256).default(os.availableParallelism()),
  // Log each request slower than this, with its database, garbage-collection and other time; 0: off.
  SLOW_REQUEST_MS: z.coerce.number().min(0).max(600_000).default(0),
  DATABASE_URL: postgresUrl.optional(),
  // Set when DATABASE_URL is a pooler in transaction mode (PgBouncer): session work goes here instead.
  DATABASE_DIRECT_URL: postgresUrl.optional(),
  // Streaming replicas of DATABASE_URL, comma-separated: list, search, thread and contact reads go to them.
  DATABASE_READ_URLS: commaList.pipe(z.array(postgresUrl)).optional(),
  // A replica further behind the primary than this is left out of the rotation until it catches up.
  REPLICA_MAX_LAG_MS: integer(0, 3_600_000).default(2_000),
  PG_DATA_DIR: z.string().min(1).default(".data/pg"),
  PG_PORT: integer(0, 65535).default(0),
  // The embedded server writes WAL for streaming replicas (wal_level=replica) instead of the seed's fastest.
  PG_REPLICATION: flag.default(false),
  // Per pool (the app has two: the conversation list's and everything else's), shared out among the HTTP
  // workers. Twice the cores: more connections only queue inside PostgreSQL and slow every query. Measured on 2 cores during ingest at 32
  // connections: page-1 reads p99 8–12 ms with 4, 37–47 ms with 16, at the same ingest rate.
  DB_POOL_SIZE: integer(1, 200).default(Math.max(2, 2 * os.availableParallelism())),
  DB_STATEMENT_TIMEOUT_MS: integer(100, 600_000).default(5_000),
  DB_CONNECT_RETRIES: integer(0, 100).default(8),
  DB_WARM_CACHE: flag.default(true),
  CURSOR_SECRET: z.string().min(16).optional(),
  API_TOKEN: commaList
    .refine((tokens) => tokens.every((t) => t.length >= 16), "each token must be at least 16 characters")
    .optional(),
  CORS_ORIGINS: commaList.optional(),
  RATE_LIMIT_PER_MINUTE: integer(0, 1_000_000).default(0),
  DB_QUEUE_LIMIT: integer(0, 100_000).default(100),
  // Open GET /events streams per client IP and process; behind a proxy every client has the proxy's address.
  EVENT_STREAMS_PER_CLIENT: integer(1, 100_000).default(20),
  SEED_ON_START: flag.default(true),
  SEED_CONTACTS: integer(1, 10_000_000).default(100_000),
  SEED_MESSAGES: integer(1, 500_000_000).default(5_000_000),
  SEED_CONTENT: z.string().min(1).optional(),
  SEED_RANDOM_SEED: integer(0, 2 ** 31 - 1).default(42),
});

export type Config = Readonly<{
  env: "development" | "production" | "test";
  logLevel: string;
  http: Readonly<{ host: string; port: number; workers: number; slowRequestMs: number }>;
  db: Readonly<{
    url: string | undefined;
    /** A direct connection when `url` is a transaction pooler: migrations, the seed, background work. */
    directUrl: string | undefined;
    /** Streaming replicas of `url` for reads (src/db/replicas.ts). */
    readUrls: readonly string[];
    replicaMaxLagMs: number;
    dataDir: string;
    embeddedPort: number;
    /** PG_REPLICATION: the embedded server can feed streaming replicas. */
    embeddedReplication: boolean;
    poolSize: number;
    statementTimeoutMs: number;
    connectRetries: number;
    warmCache: boolean;
  }>;
  cursorSecret: string | undefined;
  security: Readonly<{
    apiTokens: readonly string[];
    corsOrigins: readonly string[];
    rateLimitPerMinute: number;
    dbQueueLimit: number;
    eventStreamsPerClient: number;
  }>;
  seed: Readonly<{
    onStart: boolean;
    contacts: number;
    messages: number;
    contentPath: string | undefined;
    randomSeed: number;
  }>;
}>;

export class ConfigError extends Error {}

/** The environment variables Inbox reads, in .env.example's order: `npm start -- --help` lists them. */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(envSchema.shape);

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(blankToUndefined(env));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`Invalid environment: ${problems.join("; ")}`);
  }
  const e = parsed.data;
  if (e.DATABASE_READ_URLS?.length && !e.DATABASE_URL) {
    throw new ConfigError(
      "Invalid environment: DATABASE_READ_URLS is set without DATABASE_URL: replicas stream from a primary you run, not from the embedded server",
    );
  }
  if (e.DATABASE_DIRECT_URL && !e.DATABASE_URL) {
    throw new ConfigError(
      "Invalid environment: DATABASE_DIRECT_URL is set without DATABASE_URL: it names the direct way to the database DATABASE_URL reaches through a pooler",
    );
  }
  return Object.freeze({
    env: e.NODE_ENV,
    logLevel: e.LOG_LEVEL,
    http: Object.freeze({
      host: e.HOST,
      port: e.PORT,
      workers: e.WEB_CONCURRENCY,
      slowRequestMs: e.SLOW_REQUEST_MS,
    }),
    db: Object.freeze({
      url: e.DATABASE_URL,
      directUrl: e.DATABASE_DIRECT_URL,
      readUrls: Object.freeze(e.DATABASE_READ_URLS ?? []),
      replicaMaxLagMs: e.REPLICA_MAX_LAG_MS,
      dataDir: path.resolve(e.PG_DATA_DIR),
      embeddedPort: e.PG_PORT,
      embeddedReplication: e.PG_REPLICATION,
      poolSize: e.DB_POOL_SIZE,
      statementTimeoutMs: e.DB_STATEMENT_TIMEOUT_MS,
      connectRetries: e.DB_CONNECT_RETRIES,
      warmCache: e.DB_WARM_CACHE,
    }),
    cursorSecret: e.CURSOR_SECRET,
    security: Object.freeze({
      apiTokens: Object.freeze(e.API_TOKEN ?? []),
      corsOrigins: Object.freeze(e.CORS_ORIGINS ?? []),
      rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
      dbQueueLimit: e.DB_QUEUE_LIMIT,
      eventStreamsPerClient: e.EVENT_STREAMS_PER_CLIENT,
    }),
    seed: Object.freeze({
      onStart: e.SEED_ON_START,
      contacts: e.SEED_CONTACTS,
      messages: e.SEED_MESSAGES,
      contentPath: e.SEED_CONTENT,
      randomSeed: e.SEED_RANDOM_SEED,
    }),
  });
}

/** Whether the process runs with a terminal attached (pretty logs, progress bars). */
export const isInteractive = (): boolean => Boolean(process.stdout.isTTY);

/** Machine facts used to size PostgreSQL; read here so no other module touches the OS environment. */
export const machine = Object.freeze({ memoryBytes: os.totalmem(), cores: os.availableParallelism() });

/** An unset variable and an empty one mean the same: use the default. */
function blankToUndefined(env: NodeJS.ProcessEnv): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === "" ? undefined : v]));
}
