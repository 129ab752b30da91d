// The `database` option, read once: a `postgres://` or `postgresql://` URL (with `?schema=`, default `public`) opens
// PostgreSQL, anything else is a SQLite file path. The driver is imported only for the engine in use, so a team on
// one engine never installs the other's.
import { migrate } from "./migrate.js";
import { openPostgres } from "./postgres.js";
import type { Database } from "./seam.js";
import { openSqlite } from "./sqlite.js";
import { localWakeups, postgresWakeups, type Wakeups } from "./wakeups.js";

export interface Engine {
  db: Database;
  wakeups: Wakeups;
}

export type DatabaseTarget =
  | { engine: "sqlite"; path: string }
  | { engine: "postgres"; url: string; schema: string };

/** Which engine a `database` string names; throws a message that says what to write instead. */
export function databaseTarget(database: string): DatabaseTarget {
  if (!/^postgres(ql)?:\/\//i.test(database)) {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(database))
      throw new Error(
        `database: ${database.split(":")[0]}:// is not supported: give a postgres:// URL or a file path`,
      );
    if (database.trim() === "") throw new Error("database: give a SQLite file path or a postgres:// URL");
    return { engine: "sqlite", path: database };
  }
  const url = new URL(database);
  const schema = url.searchParams.get("schema") ?? "public";
  url.searchParams.delete("schema");
  if (schema === "") throw new Error("database: ?schema= is empty");
  return { engine: "postgres", url: url.toString(), schema };
}

async function driver<T>(name: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if ((error as { code?: string }).code === "ERR_MODULE_NOT_FOUND" && String(error).includes(name)) {
      throw new Error(`The inbox needs the ${name} package for this database: npm install ${name}`);
    }
    throw error;
  }
}

export interface OpenOptions {
  poolSize: number;
  log(message: string): void;
}

/** Opens the database, migrates it (under a lock: processes starting together migrate once) and its wake-ups. */
export async function openEngine(database: string, options: OpenOptions): Promise<Engine> {
  const target = databaseTarget(database);
  if (target.engine === "sqlite") {
    const db = await driver("better-sqlite3", () => openSqlite({ path: target.path }));
    await migrateOrClose(db);
    return { db, wakeups: localWakeups() };
  }
  const db = await driver("pg", () =>
    openPostgres({
      url: target.url,
      schema: target.schema,
      poolSize: options.poolSize,
      onConnectionError: (error) => options.log(`database connection lost: ${error.message}`),
    }),
  );
  await migrateOrClose(db);
  const wakeups = postgresWakeups({
    url: target.url,
    schema: target.schema,
    // Its commit need not wait for the WAL flush (a notifying commit holds PostgreSQL's notify lock until then):
    // a wake-up lost in a crash costs one poll.
    send: (channel) =>
      db.transaction(async (tx) => {
        await tx.query("SET LOCAL synchronous_commit TO OFF");
        await tx.query("SELECT pg_notify($1, '')", [channel]);
      }),
    onError: options.log,
  });
  return { db, wakeups };
}

async function migrateOrClose(db: Database): Promise<void> {
  try {
    await migrate(db);
  } catch (error) {
    await db.close().catch(() => {});
    throw error;
  }
}
