// `npm run bench:counts -w @meeting-webhooks/inbox`: what one `inbox.counts()` costs on a large log, the call a
// metrics scrape makes every 15 s. Fills a fresh inbox (SQLite file; PostgreSQL too when one answers, in a scratch
// schema dropped afterwards) with LOG_ROWS finished deliveries of about 1 KiB (default 100,000; a few dead and
// quarantined) and 200 still queued, then times `counts()` 30 times and prints the median and the slowest. The rows
// are written with SQL, not through `receive`: signing 100k deliveries would measure the fill, not the count.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { localPostgresUrl, reachable } from "@meeting-webhooks/test-support";
import pg from "pg";
import { quoteIdentifier } from "../src/database/postgres.js";
import { createInbox, type Inbox } from "../src/index.js";
import { rowsOf } from "../src/operations/sql.js";
import { testWebhooks } from "../test/fixtures.js";

const logRows = Number(process.env.LOG_ROWS ?? 100_000);
const queuedRows = 200;
const body = Buffer.from(JSON.stringify({ event: "bot.status_change", data: { note: "x".repeat(960) } }));

/** Finished deliveries (every 200th dead, every 300th quarantined) and, last, `queuedRows` waiting in the queue. */
async function fill(inbox: Inbox): Promise<void> {
  const db = inbox.database;
  const batch = 1000;
  for (let first = 1; first <= logRows + queuedRows; first += batch) {
    const ids = Array.from(
      { length: Math.min(batch, logRows + queuedRows - first + 1) },
      (_, i) => first + i,
    );
    await db.transaction(async (tx) => {
      const rows = ids.map((id) => {
        const waiting = id > logRows;
        return [
          `bench-${id}`,
          `meetingbaas:bot-${id % 500}`,
          id % 300 === 0 ? "quarantined" : "accepted",
          body,
          waiting ? null : id % 200 === 0 ? "dead" : "handled",
          waiting ? null : 1,
        ];
      });
      await tx.query(
        `INSERT INTO inbox_deliveries (delivery_key, subject, status, body, outcome, attempts, provider, channel,
                                       event, headers, received_at, finished_at)
         VALUES ${rowsOf(1, rows.length, 6, ", 'meetingbaas', 'webhook', 'bot.status_change', '{}', 0, 0")}`,
        rows.flat(),
      );
    });
  }
  await db.query(
    `INSERT INTO inbox_queue (delivery_id, subject, run_at)
     SELECT id, subject, 0 FROM inbox_deliveries WHERE outcome IS NULL`,
  );
  if (db.dialect.engine === "postgres") await db.query("VACUUM ANALYZE inbox_deliveries");
  else await db.query("ANALYZE");
}

async function time(inbox: Inbox): Promise<{ medianMs: number; maxMs: number; counts: object }> {
  const counts = await inbox.counts(); // warm: the first call reads from disk
  const runs: number[] = [];
  for (let i = 0; i < 30; i++) {
    const started = performance.now();
    await inbox.counts();
    runs.push(performance.now() - started);
  }
  runs.sort((a, b) => a - b);
  const round = (ms: number) => Math.round(ms * 100) / 100;
  return { medianMs: round(runs[15] as number), maxMs: round(runs.at(-1) as number), counts };
}

async function measure(engine: string, database: string): Promise<void> {
  const inbox = await createInbox({ webhooks: testWebhooks(), database, log: () => {} });
  try {
    process.stdout.write(`${engine}: filling ${logRows} + ${queuedRows} deliveries… `);
    const started = performance.now();
    await fill(inbox);
    console.log(`${Math.round((performance.now() - started) / 1000)} s`);
    const { medianMs, maxMs, counts } = await time(inbox);
    console.log(
      `${engine}: counts() median ${medianMs} ms, slowest ${maxMs} ms of 30: ${JSON.stringify(counts)}`,
    );
  } finally {
    await inbox.stop();
  }
}

const dir = mkdtempSync(join(tmpdir(), "meeting-webhooks-inbox-counts-"));
const url =
  process.env.BENCH_DATABASE_URL ||
  process.env.TEST_DATABASE_URL ||
  ((await reachable("127.0.0.1", 5432)) ? localPostgresUrl : undefined);
const schema = `bench_counts_${process.pid}`;
try {
  await measure("SQLite", join(dir, "inbox.db"));
  if (url) {
    const target = new URL(url);
    target.searchParams.set("schema", schema);
    await measure("PostgreSQL", target.toString());
  } else console.log("[skip] no PostgreSQL (BENCH_DATABASE_URL, TEST_DATABASE_URL or 127.0.0.1:5432)");
} finally {
  rmSync(dir, { recursive: true, force: true });
  if (url) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${quoteIdentifier(schema)} CASCADE`);
    await client.end();
  }
}
