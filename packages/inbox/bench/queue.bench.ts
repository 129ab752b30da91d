// `npm run bench -w @meeting-webhooks/inbox`: the inbox's own queue beside graphile-worker 0.16 carrying the
// PostgreSQL side, measured in one run on this machine. Both PostgreSQL variants parse the same signed deliveries,
// store the same log row in the same group commit and run the same `webhooks.dispatch`; only the queue differs (our
// narrow inbox_queue row vs. a graphile-worker job with the log id in its payload and the subject as its named
// queue). Three figures each: ingest alone (deliveries/s through `receive`, 32 at once, no HTTP), processing of that
// backlog alone (4 handlers at once, a handler that does nothing), and both at once. The SQLite inbox is measured
// too, for reference. Each target runs twice, in the order A B C C B A, and the mean is shown. PostgreSQL from
// BENCH_DATABASE_URL, TEST_DATABASE_URL or 127.0.0.1:5432, in scratch schemas dropped afterwards. Writes
// bench/results/queue.json (ignored by git: numbers belong to a machine and a date).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { MeetingWebhooks, ReceiveOptions } from "@meeting-webhooks/receive";
import { reachable } from "@meeting-webhooks/test-support";
import { Logger, run, runMigrations } from "graphile-worker";
import pg from "pg";
import { groupCommit } from "../src/batcher.js";
import { migrate } from "../src/database/migrate.js";
import { openPostgres, quoteIdentifier } from "../src/database/postgres.js";
import { createInbox } from "../src/index.js";
import { insertLogRows, type NewDelivery } from "../src/operations/store.js";
import { deliveryOf, isAuthentic } from "../src/record.js";
import { statusChange, testWebhooks } from "../test/fixtures.js";

const bots = 100;
const steps = Number(process.env.BENCH_STEPS ?? 20);
const ingestLanes = 32;

interface Figures {
  target: string;
  ingestPerSecond: number;
  processingPerSecond: number;
  bothPerSecond: number;
}

interface Target {
  name: string;
  /** A fresh store-and-queue; `start` begins processing; `pending` counts what is left; `close` ends it. */
  open(): Promise<{
    receive(delivery: ReceiveOptions): Promise<boolean>;
    start(): Promise<void>;
    pending(): Promise<number>;
    close(): Promise<void>;
  }>;
}

const perSecond = (n: number, ms: number) => Math.round((n * 1000) / ms);

async function ingest(receive: (d: ReceiveOptions) => Promise<boolean>, deliveries: ReceiveOptions[]) {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: ingestLanes }, async () => {
      while (next < deliveries.length) {
        const delivery = deliveries[next++] as ReceiveOptions;
        if (!(await receive(delivery))) throw new Error("a delivery was not stored");
      }
    }),
  );
  return performance.now() - started;
}

async function drained(pending: () => Promise<number>) {
  while ((await pending()) > 0) await new Promise((r) => setTimeout(r, 5));
}

async function measure(target: Target, deliveries: ReceiveOptions[][]): Promise<Figures> {
  const [first, second] = deliveries as [ReceiveOptions[], ReceiveOptions[]];
  // 1 and 2: ingest a backlog, then process it.
  const a = await target.open();
  const ingestMs = await ingest(a.receive, first);
  const processingStarted = performance.now();
  await a.start();
  await drained(a.pending);
  const processingMs = performance.now() - processingStarted;
  await a.close();
  // 3: both at once, from the first delivery to the last one handled.
  const b = await target.open();
  await b.start();
  const bothStarted = performance.now();
  await ingest(b.receive, second);
  await drained(b.pending);
  const bothMs = performance.now() - bothStarted;
  await b.close();
  return {
    target: target.name,
    ingestPerSecond: perSecond(first.length, ingestMs),
    processingPerSecond: perSecond(first.length, processingMs),
    bothPerSecond: perSecond(second.length, bothMs),
  };
}

function ownQueue(name: string, database: () => string): Target {
  return {
    name,
    async open() {
      const inbox = await createInbox({
        webhooks: noOp(),
        database: database(),
        concurrency: 4,
        log: () => {},
      });
      return {
        receive: async (d) => (await inbox.receive(d)).ok,
        start: () => inbox.start(),
        pending: async () => {
          const counts = await inbox.counts();
          return counts.queued + counts.running + counts.retrying;
        },
        close: () => inbox.stop(),
      };
    },
  };
}

/** graphile-worker 0.16 carries the queue: the log row and the job commit together, the job holds the log id. */
function graphileWorker(url: string, schemas: string[]): Target {
  return {
    name: "PostgreSQL, graphile-worker 0.16 queue",
    async open() {
      const schema = `bench_gw_${schemas.length}_${process.pid}`;
      const gw = `${schema}_worker`;
      schemas.push(schema, gw);
      const webhooks = noOp();
      const db = await openPostgres({ url, schema, poolSize: 10 });
      await migrate(db);
      await runMigrations({ connectionString: url, schema: gw, logger: quiet });
      const store = groupCommit<NewDelivery, boolean>(
        (batch) =>
          db.transaction(async (tx) => {
            const rows = await insertLogRows(tx, db.dialect.now, batch);
            await tx.query(
              `SELECT ${quoteIdentifier(gw)}.add_jobs(array(
                 SELECT ROW('dispatch', json_build_object('id', id), subject, NULL, NULL, NULL, NULL, NULL)::${quoteIdentifier(gw)}.job_spec
                   FROM unnest($1::bigint[], $2::text[]) AS t(id, subject)))`,
              [rows.map((r) => r.id) as never, rows.map((r) => r.subject) as never],
            );
            return batch.map(() => true);
          }),
        { maxBatch: 200, inFlight: 2 },
      );
      let runner: Awaited<ReturnType<typeof run>> | undefined;
      return {
        async receive(delivery) {
          const parsed = webhooks.parse(delivery);
          return isAuthentic(parsed) && store.add(deliveryOf(parsed, delivery.body, delivery.headers));
        },
        async start() {
          runner = await run({
            connectionString: url,
            schema: gw,
            concurrency: 4,
            noHandleSignals: true,
            pollInterval: 1000,
            logger: quiet,
            taskList: {
              dispatch: async (payload) => {
                const { id } = payload as { id: number };
                const [row] = await db.query<{
                  provider: "meetingbaas";
                  channel: "webhook";
                  delivery_key: string;
                  body: Buffer;
                }>("SELECT provider, channel, delivery_key, body FROM inbox_deliveries WHERE id = $1", [id]);
                if (!row) throw new Error(`no delivery ${id}`);
                const result = await webhooks.dispatch({
                  provider: row.provider,
                  channel: row.channel,
                  payload: JSON.parse(row.body.toString("utf8")),
                  deliveryKey: row.delivery_key,
                  deliveryId: String(id),
                });
                if (!result.ok && result.error.stage === "handler") throw new Error(result.error.message);
                await db.query(
                  `UPDATE inbox_deliveries SET outcome = 'handled', finished_at = ${db.dialect.now} WHERE id = $1`,
                  [id],
                );
              },
            },
          });
        },
        pending: async () => {
          const [row] = await db.query<{ n: number }>(
            `SELECT count(*) AS n FROM ${quoteIdentifier(gw)}.jobs`,
          );
          return Number(row?.n ?? 0);
        },
        async close() {
          await runner?.stop();
          await store.flush();
          await db.close();
        },
      };
    },
  };
}

const quiet = new Logger(() => () => {});

function noOp(): MeetingWebhooks {
  return testWebhooks().onAny(() => {});
}

async function postgresUrl(): Promise<string | undefined> {
  const url =
    process.env.BENCH_DATABASE_URL ||
    process.env.TEST_DATABASE_URL ||
    ((await reachable("127.0.0.1", 5432)) ? "postgres://postgres@127.0.0.1:5432/test" : undefined);
  return url;
}

async function dropSchemas(url: string, schemas: string[]) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const schema of schemas)
      await client.query(`DROP SCHEMA IF EXISTS ${quoteIdentifier(schema)} CASCADE`);
  } finally {
    await client.end();
  }
}

const url = await postgresUrl();
const dir = mkdtempSync(join(tmpdir(), "meeting-webhooks-inbox-bench-"));
const schemas: string[] = [];
let files = 0;
try {
  process.stdout.write(
    `building ${2 * bots * steps} signed deliveries (${bots} meetings × ${steps} steps, twice)… `,
  );
  const build = async (round: number) => {
    const list: ReceiveOptions[] = [];
    for (let step = 0; step < steps; step++)
      for (let bot = 0; bot < bots; bot++)
        list.push(await statusChange(bot, step, `msg_b${round}_${bot}_${step}`));
    return list;
  };
  const deliveries = [await build(1), await build(2)];
  console.log("done");
  const targets: Target[] = [ownQueue("SQLite, own queue", () => join(dir, `inbox-${files++}.db`))];
  if (url) {
    targets.push(
      ownQueue("PostgreSQL, own queue", () => {
        const target = new URL(url);
        const schema = `bench_own_${schemas.length}_${process.pid}`;
        schemas.push(schema);
        target.searchParams.set("schema", schema);
        return target.toString();
      }),
      graphileWorker(url, schemas),
    );
  } else {
    console.log(
      "[skip] no PostgreSQL (BENCH_DATABASE_URL, TEST_DATABASE_URL or 127.0.0.1:5432): SQLite only",
    );
  }
  // A B C, then C B A: the machine's load drifts during a run, and each target sees both ends of it.
  const measured: Figures[] = [];
  for (const target of [...targets, ...[...targets].reverse()]) {
    process.stdout.write(`${target.name}… `);
    measured.push(await measure(target, deliveries));
    console.log("done");
  }
  const figures = targets.map((target) => {
    const runs = measured.filter((f) => f.target === target.name);
    const mean = (pick: (f: Figures) => number) =>
      Math.round(runs.reduce((n, f) => n + pick(f), 0) / runs.length);
    return {
      target: target.name,
      ingestPerSecond: mean((f) => f.ingestPerSecond),
      processingPerSecond: mean((f) => f.processingPerSecond),
      bothPerSecond: mean((f) => f.bothPerSecond),
    };
  });
  console.log("\n| target | ingest/s | processing/s | both at once/s |\n|---|---:|---:|---:|");
  for (const f of figures)
    console.log(`| ${f.target} | ${f.ingestPerSecond} | ${f.processingPerSecond} | ${f.bothPerSecond} |`);
  const own = figures.find((f) => f.target.startsWith("PostgreSQL, own"));
  const gw = figures.find((f) => f.target.includes("graphile"));
  const ratios = own &&
    gw && {
      ingest: +(own.ingestPerSecond / gw.ingestPerSecond).toFixed(2),
      processing: +(own.processingPerSecond / gw.processingPerSecond).toFixed(2),
      both: +(own.bothPerSecond / gw.bothPerSecond).toFixed(2),
    };
  if (ratios)
    console.log(
      `\nown queue ÷ graphile-worker on PostgreSQL: ingest ${ratios.ingest}×, processing ${ratios.processing}×, both at once ${ratios.both}×`,
    );
  const results = join(import.meta.dirname, "results");
  mkdirSync(results, { recursive: true });
  writeFileSync(
    join(results, "queue.json"),
    `${JSON.stringify({ at: new Date().toISOString(), node: process.version, deliveries: bots * steps, figures, ratios }, null, 2)}\n`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
  if (url && schemas.length > 0) await dropSchemas(url, schemas);
}
