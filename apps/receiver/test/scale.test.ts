// Several processes, really: ingest replicas and workers as separate processes over one PostgreSQL database. Kills,
// restarts, duplicates raced across replicas, the database going away mid-load, and per-meeting order.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CuttableProxy } from "@meeting-webhooks/test-support";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { dropSchema, postgresForTests, schemaName } from "./postgres.js";
import { type ReceiverProcess, startProcess, stopProcess } from "./processes.js";
import { example, type SignedRequest, secrets, webhookRequest } from "./support.js";

const url = await postgresForTests();
const base = example("meetingbaas/examples/bot.status_change.json");

const running = new Set<ReceiverProcess>();
const schemas: string[] = [];
let docs: string;
beforeAll(() => {
  docs = mkdtempSync(join(tmpdir(), "receiver-scale-docs-"));
});
afterEach(async () => {
  await Promise.all([...running].map((p) => stopProcess(p, "SIGKILL")));
  running.clear();
});
afterAll(async () => {
  rmSync(docs, { recursive: true, force: true });
  if (url) for (const schema of schemas) await dropSchema(url, schema);
});

function environment(databaseUrl: string, schema: string, extra: Record<string, string> = {}) {
  return {
    DATABASE_URL: databaseUrl,
    DATABASE_SCHEMA: schema,
    DATABASE_POOL_SIZE: "4",
    CRONOFY_CLIENT_SECRETS: secrets.cronofy,
    MEETINGBAAS_CALLBACK_SECRETS: secrets.callback,
    MEETINGBAAS_WEBHOOK_SECRET: secrets.webhook,
    DOCS_DIR: docs,
    PROCESSING_LEASE_MS: "2000",
    ...extra,
  };
}

async function start(role: "ingest" | "worker" | "all", name: string, env: Record<string, string>) {
  const p = await startProcess({ ...env, RECEIVER_ROLE: role }, name);
  running.add(p);
  return p;
}

async function kill(p: ReceiverProcess) {
  await stopProcess(p, "SIGKILL");
  running.delete(p);
}

/** A status change of bot `bot` (0-based), the `step`-th of its sequence, with its own svix-id. */
function statusChange(bot: number, step: number, code: string, at = Date.UTC(2026, 10, 24, 15, 0, step)) {
  return webhookRequest(
    {
      ...base,
      data: {
        ...base.data,
        bot_id: `00000000-0000-4000-8000-${String(bot).padStart(12, "0")}`,
        status: { code, created_at: new Date(at).toISOString() },
      },
    },
    { id: `msg_scale_${bot}_${step}` },
  );
}

type Answer = { status: number; retryAfter: string | null } | { status: 0; error: string };

async function post(target: ReceiverProcess, request: SignedRequest): Promise<Answer> {
  try {
    const response = await fetch(`${target.url}${request.url}`, {
      method: request.method,
      headers: request.headers,
      body: request.payload,
    });
    await response.arrayBuffer();
    return { status: response.status, retryAfter: response.headers.get("retry-after") };
  } catch (error) {
    return { status: 0, error: (error as Error).message };
  }
}

async function query<R extends pg.QueryResultRow>(schema: string, text: string): Promise<R[]> {
  const client = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
  await client.connect();
  try {
    return (await client.query<R>(text)).rows;
  } finally {
    await client.end();
  }
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.skipIf(!url)("PostgreSQL: replicas and workers as separate processes", () => {
  it("3 ingest replicas and 2 workers, duplicates raced across replicas, one of each SIGKILLed: every acknowledged delivery stored once and processed once", async () => {
    const schema = schemaName();
    schemas.push(schema);
    const env = environment(url as string, schema);
    // All five start together on an empty schema: the migrations run once, under their advisory lock.
    const [i0, i1, i2, w0, w1] = await Promise.all([
      start("ingest", "ingest-0", env),
      start("ingest", "ingest-1", env),
      start("ingest", "ingest-2", env),
      start("worker", "worker-0", env),
      start("worker", "worker-1", env),
    ]);
    const replicas = [i0, i1, i2] as ReceiverProcess[];
    const workers = [w0, w1] as ReceiverProcess[];
    const codes = [
      "joining_call",
      "in_waiting_room",
      "in_call_not_recording",
      "in_call_recording",
      "call_ended",
    ];
    const unique = Array.from({ length: 3000 }, (_, i) =>
      statusChange(Math.floor(i / codes.length), i % codes.length, codes[i % codes.length] as string),
    );
    const idOf = (r: SignedRequest) => r.headers["svix-id"] as string;
    const duplicated = new Set(unique.filter((_, i) => i % 10 < 3).map(idOf)); // 30 %
    const acknowledged = new Set<string>();
    const figures = { requests: 0, answered2xx: 0, answered503: 0, connectionErrors: 0 };
    const record = (request: SignedRequest, answer: Answer) => {
      figures.requests++;
      if (answer.status === 202) {
        figures.answered2xx++;
        acknowledged.add(idOf(request));
      } else if (answer.status === 503) figures.answered503++;
      else if (answer.status === 0) figures.connectionErrors++;
      else throw new Error(`unexpected ${answer.status}`);
    };
    let next = 0;
    let killed = false;
    const lane = async (laneNo: number) => {
      for (let i = next++; i < unique.length; i = next++) {
        const request = unique[i] as SignedRequest;
        const first = replicas[(i + laneNo) % 3] as ReceiverProcess;
        if (duplicated.has(idOf(request))) {
          // The duplicate goes to another replica at the same moment.
          const second = replicas[(i + laneNo + 1) % 3] as ReceiverProcess;
          const answers = await Promise.all([post(first, request), post(second, request)]);
          for (const answer of answers) record(request, answer);
        } else {
          record(request, await post(first, request));
        }
        if (!killed && acknowledged.size >= 1000) {
          killed = true;
          // SIGKILL one replica and one worker mid-load; restart both (new ports) while the load goes on.
          await Promise.all([kill(replicas[0] as ReceiverProcess), kill(workers[0] as ReceiverProcess)]);
          const [ingest, worker] = await Promise.all([
            start("ingest", "ingest-0b", env),
            start("worker", "worker-0b", env),
          ]);
          replicas[0] = ingest;
          workers[0] = worker;
        }
      }
    };
    await Promise.all(Array.from({ length: 16 }, (_, n) => lane(n)));
    expect(killed).toBe(true);
    // Resend what was not acknowledged, as a provider would.
    for (let round = 0; round < 5; round++) {
      const missing = unique.filter((r) => !acknowledged.has(idOf(r)));
      if (missing.length === 0) break;
      await Promise.all(
        missing.map((r, i) => post(replicas[i % 3] as ReceiverProcess, r).then((a) => record(r, a))),
      );
    }
    expect(acknowledged.size).toBe(3000);
    await waitFor("every delivery processed", async () => {
      const [row] = await query<{ n: number }>(
        schema,
        "SELECT count(*)::int AS n FROM inbox_deliveries WHERE outcome IS DISTINCT FROM 'handled'",
      );
      return row?.n === 0;
    });
    const [counts] = await query<{ deliveries: number; runs: number; timeline: number; once: number }>(
      schema,
      `SELECT (SELECT count(*)::int FROM inbox_deliveries) AS deliveries,
              (SELECT sum(attempts)::int FROM inbox_deliveries) AS runs,
              (SELECT count(*)::int FROM receiver_timeline) AS timeline,
              (SELECT count(DISTINCT delivery_id)::int FROM receiver_timeline) AS once`,
    );
    const stored = new Set(
      (await query<{ key: string }>(schema, "SELECT delivery_key AS key FROM inbox_deliveries")).map((r) =>
        r.key.replace("meetingbaas:webhook:", ""),
      ),
    );
    console.log(
      `multi-process: ${figures.requests} requests (${duplicated.size} deliveries sent twice to two replicas at once), ${figures.answered2xx} answered 202, ${figures.answered503} answered 503, ${figures.connectionErrors} lost with the killed replica; ${counts?.deliveries} stored, ${counts?.runs} handler runs, ${counts?.timeline} timeline rows`,
    );
    expect([...acknowledged].filter((id) => !stored.has(id))).toEqual([]);
    expect(counts).toMatchObject({ deliveries: 3000, timeline: 3000, once: 3000 });
    // At least once: every delivery ran; only those the killed worker held ran twice, its concurrency at most.
    expect(counts?.runs).toBeGreaterThanOrEqual(3000);
    expect(counts?.runs).toBeLessThanOrEqual(3000 + 8);
  }, 180_000);

  it("a status sequence sent in order to three replicas is applied in order by two workers, also past a killed worker's claim", async () => {
    const schema = schemaName();
    schemas.push(schema);
    // Several runs at once per worker, so both workers hold deliveries of the same meetings' backlog.
    const env = environment(url as string, schema, { PROCESSING_CONCURRENCY: "4" });
    const replicas = await Promise.all([0, 1, 2].map((n) => start("ingest", `ingest-${n}`, env)));
    // One timestamp for the whole sequence: only the order of application decides the final state.
    const codes = [
      "joining_call",
      "in_waiting_room",
      "in_call_not_recording",
      "in_call_recording",
      "recording_paused",
      "recording_resumed",
      "call_ended",
    ];
    const sequence = [...codes, ...codes, ...codes];
    const bots = 6;
    await Promise.all(
      Array.from({ length: bots }, async (_, bot) => {
        for (const [step, code] of sequence.entries()) {
          const answer = await post(
            replicas[(bot + step) % 3] as ReceiverProcess,
            statusChange(1000 + bot, step, code, Date.UTC(2026, 10, 24, 15)),
          );
          expect(answer.status).toBe(202);
        }
      }),
    );
    // A worker that claimed each meeting's first delivery and was then killed: its claims stay until their lease
    // expires, while the live workers are free to take every later delivery. They must hold those back.
    await query(
      schema,
      `UPDATE inbox_queue SET lease_owner = 'killed-worker', attempts = attempts + 1,
              lease_until = (extract(epoch FROM clock_timestamp()) * 1000)::bigint + 1500
        WHERE delivery_id IN (SELECT min(delivery_id) FROM inbox_queue GROUP BY subject)`,
    );
    // The workers start on the whole backlog together, so both hold deliveries of the same meetings.
    await Promise.all([0, 1].map((n) => start("worker", `worker-${n}`, env)));
    await waitFor("every delivery processed", async () => {
      const [row] = await query<{ n: number }>(
        schema,
        "SELECT count(*)::int AS n FROM inbox_deliveries WHERE outcome IS DISTINCT FROM 'handled'",
      );
      return row?.n === 0;
    });
    const statuses = await query<{ status: string; n: number }>(
      schema,
      "SELECT status, count(*)::int AS n FROM receiver_meetings GROUP BY status",
    );
    expect(statuses).toEqual([{ status: "processing", n: bots }]);
    // The order of application, not only its end: each timeline row was written by the transaction that applied its
    // delivery, and that transaction's id was assigned after it took the meeting's lock, so within a meeting the
    // transaction ids must not go down as the delivery ids go up. Applying a meeting's later delivery before its
    // earlier one shows here even when the last delivery happens to be applied last.
    const inversions = await query<{
      meeting_id: number;
      delivery_id: number;
      tx: number;
      latest_earlier: number;
    }>(
      schema,
      `SELECT meeting_id, delivery_id, tx, latest_earlier FROM (
         SELECT meeting_id, delivery_id, xmin::text::bigint AS tx,
                max(xmin::text::bigint) OVER (PARTITION BY meeting_id ORDER BY delivery_id
                                              ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS latest_earlier
           FROM receiver_timeline) t
        WHERE tx < latest_earlier`,
    );
    expect(inversions).toEqual([]);
    const [timeline] = await query<{ n: number }>(schema, "SELECT count(*)::int AS n FROM receiver_timeline");
    expect(timeline?.n).toBe(bots * sequence.length);
  }, 120_000);

  it("the database goes away mid-load: 503 with Retry-After while it is gone, nothing acknowledged lost, recovery without a restart", async () => {
    const schema = schemaName();
    schemas.push(schema);
    const target = new URL(url as string);
    const proxy = new CuttableProxy(target.hostname, Number(target.port || 5432));
    await proxy.listen();
    try {
      const through = new URL(url as string);
      through.host = `127.0.0.1:${proxy.port}`;
      const env = environment(through.toString(), schema);
      const replicas = await Promise.all([0, 1].map((n) => start("ingest", `ingest-${n}`, env)));
      const worker = await start("worker", "worker-0", env);
      const acknowledged = new Set<string>();
      const during: Answer[] = [];
      let phase: "before" | "gone" | "back" = "before";
      let sent = 0;
      let stop = false;
      const lane = async (laneNo: number) => {
        for (let i = 0; !stop; i++) {
          const request = statusChange(
            2000 + laneNo,
            i,
            "in_call_recording",
            Date.UTC(2026, 10, 24, 15, 0, i),
          );
          const seenPhase = phase;
          sent++;
          const answer = await post(replicas[i % 2] as ReceiverProcess, request);
          if (answer.status === 202) acknowledged.add(request.headers["svix-id"] as string);
          if (seenPhase === "gone" && phase === "gone") during.push(answer);
          if (phase === "gone") await new Promise((r) => setTimeout(r, 20));
        }
      };
      const lanes = Array.from({ length: 8 }, (_, n) => lane(n));
      await waitFor("some deliveries before the outage", async () => acknowledged.size >= 200);
      await proxy.cut();
      phase = "gone";
      const ackedAtCut = acknowledged.size;
      await new Promise((r) => setTimeout(r, 2000));
      const health = await fetch(`${replicas[0]?.url}/healthz`);
      const live = await fetch(`${replicas[0]?.url}/livez`);
      const workerHealth = await fetch(`${worker.url}/healthz`);
      await proxy.restore();
      phase = "back";
      await waitFor(
        "deliveries acknowledged again",
        async () => acknowledged.size >= ackedAtCut + 200,
        30_000,
      );
      stop = true;
      await Promise.all(lanes);
      expect(health.status).toBe(503);
      expect(health.headers.get("retry-after")).toBe("5");
      expect(live.status).toBe(200);
      expect(workerHealth.status).toBe(503);
      expect(during.length).toBeGreaterThan(0);
      expect(during.filter((a) => a.status !== 503)).toEqual([]);
      expect(during.every((a) => a.status === 503 && a.retryAfter === "5")).toBe(true);
      await waitFor("everything processed after the outage", async () => {
        const [row] = await query<{ n: number }>(
          schema,
          "SELECT count(*)::int AS n FROM inbox_deliveries WHERE outcome IS DISTINCT FROM 'handled'",
        );
        return row?.n === 0;
      });
      const stored = new Set(
        (await query<{ key: string }>(schema, "SELECT delivery_key AS key FROM inbox_deliveries")).map((r) =>
          r.key.replace("meetingbaas:webhook:", ""),
        ),
      );
      console.log(
        `database outage: ${sent} requests, ${acknowledged.size} acknowledged, ${during.length} answered while it was gone (all 503)`,
      );
      expect([...acknowledged].filter((id) => !stored.has(id))).toEqual([]);
    } finally {
      await proxy.cut();
    }
  }, 120_000);
});
