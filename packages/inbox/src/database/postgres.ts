// PostgreSQL through node-postgres: one bounded pool whose connections run with `synchronous_commit = on` (a commit
// is on disk before it returns) in the inbox's schema. Several processes share one inbox: claims serialise on a
// transaction-level advisory lock of the schema (operations/claim.ts says why), migrations on another.
import type pg from "pg";
import type { Database, Dialect, Param, Queryable } from "./seam.js";

export interface PostgresOptions {
  /** The connection string, without `schema`. */
  url: string;
  schema: string;
  poolSize: number;
  /** Logs a connection lost while idle (the pool opens another on the next query). */
  onConnectionError?: (error: Error) => void;
}

/** `"my schema"` → `"my schema"` quoted as an SQL identifier. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export function postgresDialect(schema: string): Dialect {
  return {
    engine: "postgres",
    now: "(extract(epoch from clock_timestamp()) * 1000)::bigint",
    skipLocked: "FOR UPDATE SKIP LOCKED",
    claimLock: { sql: "SELECT pg_advisory_xact_lock(hashtext($1))", params: [`inbox claims ${schema}`] },
    beforeMigrating: [
      { sql: "SELECT pg_advisory_xact_lock(hashtext($1))", params: [`inbox migrations ${schema}`] },
      { sql: `CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(schema)}`, params: [] },
    ],
    // One commit waits for its fsync while the next one fills.
    commitsInFlight: 2,
  };
}

export async function openPostgres(options: PostgresOptions): Promise<Database> {
  const { default: driver } = await import("pg");
  // bigint (ids, milliseconds) as numbers: every value the inbox stores fits in 2^53.
  const types = {
    getTypeParser: (oid: number, format?: "text" | "binary") =>
      oid === 20 ? (value: string) => Number(value) : driver.types.getTypeParser(oid, format),
  };
  const pool = new driver.Pool({
    connectionString: options.url,
    max: options.poolSize,
    connectionTimeoutMillis: 3000,
    idleTimeoutMillis: 30_000,
    options: `-c search_path=${quoteIdentifier(options.schema)} -c synchronous_commit=on`,
    types,
  });
  pool.on("error", (error) => options.onConnectionError?.(error));

  const on = (client: pg.Pool | pg.PoolClient): Queryable => ({
    async query<R extends object>(sql: string, params: readonly Param[] = []) {
      return (await client.query({ text: sql, values: params as Param[] })).rows as R[];
    },
  });
  const direct = on(pool);

  return {
    dialect: postgresDialect(options.schema),
    query: direct.query,
    async transaction(work) {
      const client = await pool.connect();
      // A connection that dies between statements emits 'error' on its client: the statement in progress fails
      // anyway, and the client is discarded below instead of crashing the process.
      const ignore = () => {};
      client.on("error", ignore);
      let broken = false;
      try {
        await client.query("BEGIN");
        const result = await work(on(client));
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => {
          broken = true;
        });
        throw error;
      } finally {
        client.off("error", ignore);
        client.release(broken);
      }
    },
    close: () => pool.end(),
  };
}
