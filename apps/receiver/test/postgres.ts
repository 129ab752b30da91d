// PostgreSQL for the tests: TEST_DATABASE_URL (.ci/run sets it), each receiver in a schema of its own, dropped after.
// The one place that decides to skip, by the project's rule (test-support's requireOrSkip): without a server the
// PostgreSQL tests are skipped with one printed line, and under CI they fail instead, so CI never passes by skipping.
import { randomBytes } from "node:crypto";
import { requireOrSkip } from "@meeting-webhooks/test-support";
import pg from "pg";

let checked: Promise<string | undefined> | undefined;

/** The URL of a PostgreSQL server that answers, or undefined (after saying so) when there is none outside CI. */
export function postgresForTests(): Promise<string | undefined> {
  checked ??= (async () => {
    const url = process.env.TEST_DATABASE_URL;
    let problem: string | undefined;
    if (url) {
      const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
      try {
        await client.connect();
        await client.query("SELECT 1");
      } catch (error) {
        problem = (error as Error).message;
      } finally {
        await client.end().catch(() => {});
      }
    }
    const start =
      "Start PostgreSQL and set TEST_DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/test (.ci/run does both).";
    return requireOrSkip({
      tests: "the receiver's PostgreSQL tests",
      // The URL itself is not printed: it may hold a password.
      needs: url ? "PostgreSQL answering at TEST_DATABASE_URL" : "TEST_DATABASE_URL",
      found: url && problem === undefined ? url : undefined,
      howToEnable: problem ? `Connecting said: ${problem}. ${start}` : start,
    });
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
