import { readFileSync } from "node:fs";

/**
 * A statement kept in a .sql file, without its whole-line comments: those are for readers of the file, while
 * pg_stat_activity shows only the first 1 KB of a running statement (track_activity_query_size), which should
 * be SQL rather than the comment block that opens the file.
 */
export function readSqlFile(url: URL): string {
  return readFileSync(url, "utf8").replace(/^[ \t]*--.*\n/gm, "");
}
