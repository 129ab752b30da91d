// What the inbox's tests share: the engines to run on (PostgreSQL by test-support's rule: TEST_DATABASE_URL, else
// 127.0.0.1:5432; one skip line without one, a failure under CI), a fresh database per test that is removed when the
// test finishes, an inbox on one, a webhooks object with test secrets, and signed deliveries built by
// @meeting-webhooks/mocks.
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { postgresOrSkip, tempDirForTest } from "@meeting-webhooks/test-support";
import pg from "pg";
import { onTestFinished } from "vitest";
import { openEngine } from "../src/database/open.js";
import type { Database } from "../src/database/seam.js";
import { createInbox, type Inbox, type InboxOptions } from "../src/index.js";
import { type NewDelivery, storeDeliveries } from "../src/operations/store.js";
import { testWebhooks } from "./fixtures.js";

export * from "./fixtures.js";

let found: Promise<string | undefined> | undefined;

/** The URL of a PostgreSQL server that answers, or undefined (after one skip line) when there is none outside CI. */
export function postgresForTests(): Promise<string | undefined> {
  found ??= postgresOrSkip({
    tests: "the inbox's PostgreSQL tests",
    async check(url) {
      const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
      try {
        await client.connect();
        await client.query("SELECT 1");
      } finally {
        await client.end().catch(() => {});
      }
    },
  });
  return found;
}

export type EngineName = "sqlite" | "postgres";

/** SQLite always; PostgreSQL when a server answers (otherwise one skip line, or a failure under CI). */
export async function testEngines(): Promise<EngineName[]> {
  return (await postgresForTests()) ? ["sqlite", "postgres"] : ["sqlite"];
}

export function schemaName(): string {
  return `inbox_test_${randomBytes(6).toString("hex")}`;
}

export async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

/** A `database` option for a fresh, empty database, removed when the test finishes (folder or schema). */
export async function databaseForTest(engine: EngineName): Promise<string> {
  if (engine === "sqlite") return join(tempDirForTest("meeting-webhooks-inbox-"), "inbox.db");
  const url = (await postgresForTests()) as string;
  const schema = schemaName();
  onTestFinished(() => dropSchema(url, schema));
  const target = new URL(url);
  target.searchParams.set("schema", schema);
  return target.toString();
}

/** The seam over a fresh, migrated database, closed when the test finishes: for the storage contract. */
export async function seamForTest(engine: EngineName, database?: string): Promise<Database> {
  const { db, wakeups } = await openEngine(database ?? (await databaseForTest(engine)), {
    poolSize: 4,
    log: () => {},
  });
  await wakeups.close();
  onTestFinished(() => db.close());
  return db;
}

/** An inbox on a fresh database (or `options.database`), polling every 50 ms, stopped when the test finishes. */
export async function inboxForTest(
  engine: EngineName,
  options: Partial<InboxOptions> = {},
): Promise<{ inbox: Inbox; database: string; webhooks: ReturnType<typeof testWebhooks> }> {
  const database = options.database ?? (await databaseForTest(engine));
  const webhooks = (options.webhooks as ReturnType<typeof testWebhooks> | undefined) ?? testWebhooks();
  const inbox = await createInbox({ pollIntervalMs: 50, log: () => {}, ...options, webhooks, database });
  onTestFinished(() => inbox.stop());
  return { inbox, database, webhooks };
}

export const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `check` holds, polling; fails with `what` after `timeoutMs`. */
export async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await pause(10);
  }
}

/** A delivery as `storeBatch` takes it, key `key-<n>`, for the storage contract (no signature, no parsing). */
export function delivery(n: number, subject: string | null = `meetingbaas:bot-${n}`): NewDelivery {
  return {
    deliveryKey: `key-${n}`,
    provider: "meetingbaas",
    channel: "webhook",
    event: "bot.status_change",
    subject,
    status: "accepted",
    headers: { "svix-id": `msg_${n}` },
    body: Buffer.from(JSON.stringify({ n })),
    issues: null,
    drift: null,
  };
}

/** Stores deliveries in one transaction, as one group commit does. */
export async function store(db: Database, ...deliveries: NewDelivery[]) {
  return storeDeliveries(db, deliveries);
}
