// The receiver's own tables live in the inbox's database, beside its log and queue: one connection (SQLite) or one
// pool (PostgreSQL) per process, migrated from numbered files (migrations/<engine>/) by the inbox's migration tool,
// recorded in receiver_migrations.
import { fileURLToPath } from "node:url";
import { type Database, migrate } from "@meeting-webhooks/inbox/database";

/** The folder of the receiver's migrations for an engine (beside src/ and dist/ alike). */
export function readModelMigrations(engine: Database["dialect"]["engine"]): string {
  return fileURLToPath(new URL(`../../migrations/${engine}/`, import.meta.url));
}

/** Runs the receiver's pending migrations; resolves with their names. */
export function migrateReadModel(db: Database): Promise<string[]> {
  return migrate(db, { folder: readModelMigrations(db.dialect.engine), table: "receiver_migrations" });
}

/** A BIGINT as the drivers return it (PostgreSQL: a string), as a number: every id and time here is a safe integer. */
export const int = (value: unknown): number => Number(value);

/** A boolean stored as 0/1 (both engines: the seam has no booleans). */
export const bool = (value: unknown): boolean => Number(value) === 1;
