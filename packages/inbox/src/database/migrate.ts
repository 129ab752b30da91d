// Both engines migrate from numbered files side by side (migrations/sqlite/NNN_name.sql, migrations/postgres/…),
// run by umzug over the seam: every pending file and its record in `inbox_migrations` commit in one transaction,
// after the engine's lock (PostgreSQL: an advisory lock, so processes starting together migrate once).
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Umzug } from "umzug";
import type { Database, Queryable } from "./seam.js";

/** The package's migrations folder for an engine (beside dist/ and src/ alike). */
export function migrationsDir(engine: "sqlite" | "postgres"): string {
  return fileURLToPath(new URL(`../../migrations/${engine}/`, import.meta.url));
}

/** The statements of a migration file: each ends with `;` at the end of a line (the files keep to that rule). */
export function statementsOf(sql: string): string[] {
  return sql
    .split(/;[ \t]*$/m)
    .map((statement) =>
      statement
        .split("\n")
        .filter((line) => !/^\s*--/.test(line))
        .join("\n")
        .trim(),
    )
    .filter((statement) => statement.length > 0);
}

function migrationsOf(dir: string, tx: Queryable) {
  return readdirSync(dir)
    .filter((file) => /^\d{3}_[a-z0-9_]+\.sql$/.test(file))
    .sort()
    .map((file) => ({
      name: file.replace(/\.sql$/, ""),
      up: async () => {
        for (const statement of statementsOf(readFileSync(`${dir}${file}`, "utf8")))
          await tx.query(statement);
      },
    }));
}

export interface MigrationSet {
  /**
   * The folder of the engine's numbered files (`NNN_name.sql`, each statement ending with `;` at the end of a line);
   * default: the inbox's own, for the engine in use.
   */
  folder?: string;
  /** The table that records which ran (default `inbox_migrations`); one per set of files. */
  table?: string;
}

/**
 * Runs the migrations not run yet, with the inbox's tool and lock; resolves with the names it ran. An app built on the
 * inbox migrates its own tables in the same database the same way: `migrate(inbox.database, { folder, table })`.
 */
export async function migrate(db: Database, set: MigrationSet = {}): Promise<string[]> {
  const dir = set.folder ?? migrationsDir(db.dialect.engine);
  const table = set.table ?? "inbox_migrations";
  if (!/^[a-z_][a-z0-9_]*$/.test(table)) throw new Error(`migrate: ${table} is not a table name`);
  return db.transaction(async (tx) => {
    for (const { sql, params } of db.dialect.beforeMigrating) await tx.query(sql, params);
    await tx.query(`CREATE TABLE IF NOT EXISTS ${table} (name TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)`);
    const umzug = new Umzug({
      migrations: migrationsOf(dir.endsWith("/") ? dir : `${dir}/`, tx),
      context: {},
      logger: undefined,
      storage: {
        executed: async () =>
          (await tx.query<{ name: string }>(`SELECT name FROM ${table} ORDER BY name`)).map((r) => r.name),
        logMigration: async ({ name }) => {
          await tx.query(`INSERT INTO ${table} (name, applied_at) VALUES ($1, ${db.dialect.now})`, [name]);
        },
        unlogMigration: async ({ name }) => {
          await tx.query(`DELETE FROM ${table} WHERE name = $1`, [name]);
        },
      },
    });
    return (await umzug.up()).map((migration) => migration.name);
  });
}
