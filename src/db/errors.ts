/** The database could not be started or reached; the message says which and why. */
export class DatabaseStartError extends Error {
  override name = "DatabaseStartError";
}

/** A migration failed and was rolled back. */
export class MigrationError extends Error {
  override name = "MigrationError";
}
