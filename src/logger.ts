import { pino } from "pino";

export type Logger = pino.Logger;

/** JSON lines in production; human-readable when a terminal is attached. */
export function createLogger(level: string, pretty: boolean): Logger {
  return pino({
    level,
    base: undefined,
    // PostgreSQL puts row values (phone digits, message text) in an error's detail and where fields.
    redact: { paths: ["req.headers.authorization", "err.detail", "err.where"], remove: true },
    ...(pretty ? { transport: { target: "pino-pretty", options: { translateTime: "SYS:HH:MM:ss.l" } } } : {}),
  });
}
