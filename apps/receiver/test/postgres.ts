// PostgreSQL for the tests: TEST_DATABASE_URL (.ci/run sets it), each receiver in a schema of its own, dropped after.
// The one place that decides to skip: without a server the PostgreSQL tests are skipped with one printed line, and
// under CI=true they fail instead, so CI never passes by skipping them.
import { randomBytes } from "node:crypto";
import pg from "pg";

let checked: Promise<string | undefined> | undefined;

/** The URL of a PostgreSQL server that answers, or undefined (after saying so) when there is none outside CI. */
export function postgresForTests(): Promise<string | undefined> {
  checked ??= (async () => {
    const url = process.env.TEST_DATABASE_URL;
    let problem = "TEST_DATABASE_URL is not set";
    if (url) {
      const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
      try {
        await client.connect();
        await client.query("SELECT 1");
        return url;
      } catch (error) {
        problem = `PostgreSQL at TEST_DATABASE_URL does not answer (${(error as Error).message})`;
      } finally {
        await client.end().catch(() => {});
      }
    }
    if (process.env.CI === "true")
      throw new Error(`${problem}: CI runs the PostgreSQL tests, start the server`);
    console.log(`skipping the PostgreSQL tests: ${problem}`);
    return undefined;
  })();
  return checked;
}

/** A fresh schema name; `dropSchema` removes it and everything in it. */
export function schemaName(): string {
  return `test_${randomBytes(6).toString("hex")}`;
}

export async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}
