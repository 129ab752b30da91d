// PostgreSQL for the tests, by the project's one rule (test-support's postgresOrSkip: TEST_DATABASE_URL, else a
// server on 127.0.0.1:5432; without one a skip line, under CI a failure). Each receiver gets a schema of its own,
// dropped after.
import { randomBytes } from "node:crypto";
import { postgresOrSkip } from "@meeting-webhooks/test-support";
import pg from "pg";

let checked: Promise<string | undefined> | undefined;

async function answers(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
  } finally {
    await client.end().catch(() => {});
  }
}

/** The URL of a PostgreSQL server that answers, or undefined (after saying so) when there is none outside CI. */
export function postgresForTests(): Promise<string | undefined> {
  checked ??= postgresOrSkip({ tests: "the receiver's PostgreSQL tests", check: answers });
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
