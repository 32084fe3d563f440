import { pino } from "pino";

export type Logger = pino.Logger;

/** JSON lines in production; human-readable when a terminal is attached. */
export function createLogger(level: string, pretty: boolean): Logger {
  return pino({
    level,
    base: undefined,
    redact: { paths: ["req.headers.authorization"], remove: true },
    ...(pretty ? { transport: { target: "pino-pretty", options: { translateTime: "SYS:HH:MM:ss.l" } } } : {}),
  });
}
