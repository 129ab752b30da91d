// `npm run bench -w @meeting-webhooks/receiver`: throughput, latency and processing lag, measured side by side in
// one run with autocannon and signed Meeting BaaS webhooks (a fresh svix-id per request: every request is a new
// delivery), on loopback only:
//   (a) a bare node:http server that reads the body and JSON.parses it: the ceiling;
//   (b) the SQLite receiver: verify + validate + durable store (WAL, synchronous=FULL, group commit) before the 202;
//   (c) the PostgreSQL receiver, one replica (RECEIVER_ROLE=all: ingest and worker in one process);
//   (d) two PostgreSQL replicas over one database, the load split between them;
//   (e) Prism proxy validating the same requests against specs/receiver/openapi.yaml in front of (a).
// Then, for SQLite and PostgreSQL (one replica), a steady load at half of the measured maximum for --lag-duration
// seconds, and the lag from the 2xx to the delivery being handled (the inbox's finished_at − received_at), p50/p99/max.
// Targets: (c) ≥ 0.3× (a) with p99 < 50 ms; (d) ≥ 0.9× (c); (b) ≥ 0.5× (a); lag p99 < 1 s on both engines.
// PostgreSQL: BENCH_DATABASE_URL or TEST_DATABASE_URL (a scratch schema, dropped after); without one, (c) and (d)
// are skipped. Writes bench/results/throughput.json.
import { type ChildProcess, spawn } from "node:child_process";
import { createHmac, randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { bundleDocument, specsDir } from "@meeting-webhooks/specs";
import autocannon from "autocannon";
import Database from "better-sqlite3";
import pg from "pg";

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
if (args.includes("--help") || args.includes("-h")) {
  console.log(`throughput.bench: bare node:http vs the SQLite and PostgreSQL receivers vs Prism, same signed requests.

Usage: npm run bench -w @meeting-webhooks/receiver [-- --duration <s>] [-- --connections <n>] [-- --lag-duration <s>]
  --duration <s>       seconds per throughput target (default 10)
  --connections <n>    concurrent connections (default 32)
  --lag-duration <s>   seconds of steady load at half the maximum, per engine (default 60)
Needs a build first (npm run build). PostgreSQL from BENCH_DATABASE_URL or TEST_DATABASE_URL.
Writes bench/results/throughput.json.`);
  process.exit(0);
}
const option = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const duration = option("--duration", 10);
const connections = option("--connections", 32);
const lagDuration = option("--lag-duration", 60);
const databaseUrl = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL;

const key = Buffer.from("meeting-webhooks receiver bench key");
const whsec = `whsec_${key.toString("base64")}`;
// A thousand meetings (bots), as real traffic spreads over many: one meeting's deliveries are applied in order and
// never concurrently, so a single bot would measure lock waits between workers, not the receiver.
const example = JSON.parse(
  readFileSync(join(specsDir, "meetingbaas/examples/bot.status_change.json"), "utf8"),
);
const bodies = Array.from({ length: 1000 }, (_, i) =>
  JSON.stringify({
    ...example,
    data: { ...example.data, bot_id: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}` },
  }),
);
const body = bodies[0] as string;
let counter = 0;

function signedRequest(): { body: string; headers: Record<string, string> } {
  const n = counter++;
  const payload = bodies[n % bodies.length] as string;
  const id = `msg_bench${process.pid}x${n}`;
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = createHmac("sha256", key).update(`${id}.${timestamp}.${payload}`).digest("base64");
  return {
    body: payload,
    headers: {
      "content-type": "application/json",
      "svix-id": id,
      "svix-timestamp": timestamp,
      "svix-signature": `v1,${signature}`,
    },
  };
}

async function waitForPort(port: number, child: ChildProcess, name: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}`);
    try {
      await fetch(`http://127.0.0.1:${port}/healthz`);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`${name} did not listen on ${port}`);
}

const children: ChildProcess[] = [];
function start(
  name: string,
  command: string,
  argv: string[],
  env: Record<string, string> = {},
): ChildProcess {
  const child = spawn(command, argv, {
    env: { ...process.env, ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  child.stderr?.on("data", (chunk) => {
    if (process.env.BENCH_VERBOSE) process.stderr.write(`[${name}] ${chunk}`);
  });
  children.push(child);
  return child;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await exited;
}

interface Result {
  target: string;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
  /** Share of the machine's CPU time left idle during the load: what was not the limit. */
  idlePercent: number;
}

/** Idle and total CPU time of every core since boot (ms). */
function cpuTimes(): { idle: number; total: number } {
  let idle = 0;
  let total = 0;
  for (const { times } of cpus()) {
    idle += times.idle;
    total += times.user + times.nice + times.sys + times.idle + times.irq;
  }
  return { idle, total };
}

/**
 * Where PostgreSQL ingest waits while loaded: the ingest INSERTs' wait events sampled every 20 ms (a flush of the
 * WAL, or on CPU), and the WAL written per delivery stored meanwhile.
 */
interface PostgresDiagnosis {
  ingestSamples: number;
  waitingForWalFlushPercent: number;
  onCpuPercent: number;
  walBytesPerDelivery: number;
}

async function diagnosePostgres<T>(
  url: string,
  work: () => Promise<T>,
): Promise<{ result: T; diagnosis: PostgresDiagnosis }> {
  const client = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
  await client.connect();
  try {
    const position = async (since = "0/0") =>
      (
        await client.query<{ lsn: string; bytes: string; n: number }>(
          `SELECT pg_current_wal_lsn()::text AS lsn, pg_wal_lsn_diff(pg_current_wal_lsn(), $1)::text AS bytes,
                  (SELECT count(*)::int FROM inbox_deliveries) AS n`,
          [since],
        )
      ).rows[0] as { lsn: string; bytes: string; n: number };
    const before = await position();
    const waits = new Map<string, number>();
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const { rows } = await client.query<{ wait: string }>(
          `SELECT coalesce(wait_event_type || ':' || wait_event, 'CPU') AS wait FROM pg_stat_activity
            WHERE state = 'active' AND query LIKE 'INSERT INTO inbox_deliveries%'`,
        );
        for (const { wait } of rows) waits.set(wait, (waits.get(wait) ?? 0) + 1);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    const result = await work();
    sampling = false;
    await sampler;
    await new Promise((r) => setTimeout(r, 1000)); // the last commits and the processing they woke
    const after = await position(before.lsn);
    const samples = [...waits.values()].reduce((a, b) => a + b, 0);
    const share = (keys: string[]) =>
      samples === 0 ? 0 : Math.round((100 * keys.reduce((sum, k) => sum + (waits.get(k) ?? 0), 0)) / samples);
    return {
      result,
      diagnosis: {
        ingestSamples: samples,
        waitingForWalFlushPercent: share(["IO:WALSync", "IO:WALWrite", "LWLock:WALWrite"]),
        onCpuPercent: share(["CPU"]),
        walBytesPerDelivery: Math.round(Number(after.bytes) / Math.max(1, after.n - before.n)),
      },
    };
  } finally {
    await client.end();
  }
}

const diagnoses: (PostgresDiagnosis & { target: string })[] = [];

/** `load` on PostgreSQL replicas, noting where their ingest waited meanwhile (printed after the main table). */
async function loadPostgres(url: string, target: string, ports: number[]): Promise<Result> {
  const { result, diagnosis } = await diagnosePostgres(url, () => load(target, ports));
  diagnoses.push({ target, ...diagnosis });
  return result;
}

function cannon(port: number, conns: number, seconds: number, overallRate?: number) {
  return autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: conns,
    duration: seconds,
    ...(overallRate ? { overallRate } : {}),
    requests: [
      {
        method: "POST",
        path: "/webhooks/meetingbaas",
        body,
        setupRequest: (request) => ({ ...request, ...signedRequest() }),
      },
    ],
  });
}

/** Loads the ports together (connections split between them) and sums what they served. */
async function load(target: string, ports: number[]): Promise<Result> {
  process.stderr.write(`loading ${target} for ${duration} s with ${connections} connections…\n`);
  const before = cpuTimes();
  const results = await Promise.all(
    ports.map((port) => cannon(port, Math.ceil(connections / ports.length), duration)),
  );
  const after = cpuTimes();
  return {
    idlePercent: Math.round((100 * (after.idle - before.idle)) / Math.max(1, after.total - before.total)),
    target,
    requestsPerSecond: Math.round(results.reduce((sum, r) => sum + r.requests.average, 0)),
    p50Ms: Math.max(...results.map((r) => r.latency.p50)),
    p99Ms: Math.max(...results.map((r) => r.latency.p99)),
    non2xx: results.reduce((sum, r) => sum + r.non2xx, 0),
    errors: results.reduce((sum, r) => sum + r.errors, 0),
  };
}

const pending = async (port: number) =>
  ((await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()) as { pending: number }).pending;

async function drained(port: number): Promise<number> {
  const started = Date.now();
  while ((await pending(port)) > 0 && Date.now() - started < 300_000)
    await new Promise((r) => setTimeout(r, 100));
  return (Date.now() - started) / 1000;
}

interface LagResult {
  engine: string;
  rate: number;
  seconds: number;
  served: number;
  p99LatencyMs: number;
  queuedWhenLoadStopped: number;
  lag: { count: number; p50Ms: number; p99Ms: number; maxMs: number };
}

/** Percentiles of lags in ms, sorted ascending. */
function lagOf(ms: number[]): LagResult["lag"] {
  const at = (q: number) => Math.round(ms[Math.min(ms.length - 1, Math.ceil(q * ms.length) - 1)] ?? 0);
  return { count: ms.length, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: Math.round(ms.at(-1) ?? 0) };
}

/** A steady load at `rate` req/s, then the lag of the deliveries stored meanwhile. */
async function steady(
  engine: string,
  port: number,
  rate: number,
  lagSince: (since: Date) => Promise<LagResult["lag"]>,
): Promise<LagResult> {
  await drained(port);
  process.stderr.write(`steady load on ${engine}: ${rate} req/s for ${lagDuration} s…\n`);
  const since = new Date();
  const result = await cannon(port, connections, lagDuration, rate);
  const queued = await pending(port);
  await drained(port);
  return {
    engine,
    rate,
    seconds: lagDuration,
    served: Math.round(result.requests.average),
    p99LatencyMs: result.latency.p99,
    queuedWhenLoadStopped: queued,
    lag: await lagSince(since),
  };
}

const work = mkdtempSync(join(tmpdir(), "meeting-webhooks-bench-"));
const schema = `bench_${randomBytes(4).toString("hex")}`;
const secrets = {
  CRONOFY_CLIENT_SECRETS: "bench",
  MEETINGBAAS_CALLBACK_SECRETS: "bench",
  MEETINGBAAS_WEBHOOK_SECRET: whsec,
};
const main = resolve(here, "../dist/main.js");
try {
  const bare = start("bare", process.execPath, [join(here, "bare-server.mjs"), "4101"]);
  const sqlitePath = join(work, "receiver.db");
  const sqlite = start("sqlite", process.execPath, [main], {
    PORT: "4102",
    DATABASE_PATH: sqlitePath,
    ...secrets,
  });
  const documentPath = join(work, "receiver-openapi.json");
  writeFileSync(documentPath, JSON.stringify(bundleDocument(join(specsDir, "receiver", "openapi.yaml"))));
  const prismBin = join(
    dirname(createRequire(import.meta.url).resolve("@stoplight/prism-cli/package.json")),
    "dist",
    "index.js",
  );
  const prism = start("prism", process.execPath, [
    prismBin,
    "proxy",
    documentPath,
    "http://127.0.0.1:4101",
    "--errors",
    "-h",
    "127.0.0.1",
    "-p",
    "4105",
  ]);
  await waitForPort(4101, bare, "bare server");
  await waitForPort(4102, sqlite, "SQLite receiver");
  await waitForPort(4105, prism, "prism");

  const results: Result[] = [];
  const a = await load("(a) bare node:http + JSON.parse", [4101]);
  results.push(a);
  const b = await load("(b) SQLite receiver", [4102]);
  results.push(b);
  await drained(4102);

  let c: Result | undefined;
  let d: Result | undefined;
  const lags: LagResult[] = [];
  // The inbox's log says when each delivery was stored and when its handlers finished (ms, the database's clock).
  const sqliteLog = new Database(sqlitePath, { readonly: true });
  lags.push(
    await steady("SQLite", 4102, Math.round(b.requestsPerSecond / 2), async (since) =>
      lagOf(
        sqliteLog
          .prepare<[number], { ms: number }>(
            "SELECT finished_at - received_at AS ms FROM inbox_deliveries WHERE outcome = 'handled' AND received_at >= ? ORDER BY 1",
          )
          .all(since.getTime())
          .map((r) => Number(r.ms)),
      ),
    ),
  );
  sqliteLog.close();
  await stop(sqlite);

  if (databaseUrl) {
    const postgresEnv = {
      DATABASE_URL: databaseUrl,
      DATABASE_SCHEMA: schema,
      RECEIVER_ROLE: "all",
      ...secrets,
    };
    const one = start("postgres-1", process.execPath, [main], {
      ...postgresEnv,
      PORT: "4103",
      RECEIVER_NAME: "replica-1",
    });
    await waitForPort(4103, one, "PostgreSQL receiver");
    c = await loadPostgres(databaseUrl, "(c) PostgreSQL receiver, 1 replica", [4103]);
    results.push(c);
    await drained(4103);
    const two = start("postgres-2", process.execPath, [main], {
      ...postgresEnv,
      PORT: "4104",
      RECEIVER_NAME: "replica-2",
    });
    await waitForPort(4104, two, "second PostgreSQL replica");
    d = await loadPostgres(databaseUrl, "(d) PostgreSQL receiver, 2 replicas (load split)", [4103, 4104]);
    results.push(d);
    await drained(4103);
    await stop(two);
    const client = new pg.Client({ connectionString: databaseUrl, options: `-c search_path=${schema}` });
    await client.connect();
    try {
      lags.push(
        await steady("PostgreSQL (1 replica)", 4103, Math.round(c.requestsPerSecond / 2), async (since) => {
          const { rows } = await client.query<{ ms: string }>(
            "SELECT finished_at - received_at AS ms FROM inbox_deliveries WHERE outcome = 'handled' AND received_at >= $1 ORDER BY 1",
            [since.getTime()],
          );
          return lagOf(rows.map((r) => Number(r.ms)));
        }),
      );
    } finally {
      await client.end();
    }
    await stop(one);
  } else {
    process.stderr.write("no BENCH_DATABASE_URL or TEST_DATABASE_URL: the PostgreSQL targets are skipped\n");
  }
  const e = await load("(e) prism proxy --errors in front of (a)", [4105]);
  results.push(e);

  const ratio = (x: Result | undefined, y: Result) => (x ? x.requestsPerSecond / y.requestsPerSecond : null);
  const ratios = {
    sqliteVsBare: ratio(b, a),
    postgresVsBare: ratio(c, a),
    twoReplicasVsOne: c && d ? d.requestsPerSecond / c.requestsPerSecond : null,
    sqliteVsPrism: b.requestsPerSecond / Math.max(1, e.requestsPerSecond),
  };
  console.log(
    "| target | req/s | × bare | p50 ms | p99 ms | non-2xx | errors | CPU idle % |\n|---|---:|---:|---:|---:|---:|---:|---:|",
  );
  for (const r of results) {
    console.log(
      `| ${r.target} | ${r.requestsPerSecond} | ${(r.requestsPerSecond / a.requestsPerSecond).toFixed(2)} | ${r.p50Ms} | ${r.p99Ms} | ${r.non2xx} | ${r.errors} | ${r.idlePercent} |`,
    );
  }
  if (diagnoses.length > 0) {
    console.log(
      "\n| PostgreSQL target | ingest INSERTs sampled | waiting for the WAL flush % | on CPU % | WAL bytes per delivery |\n|---|---:|---:|---:|---:|",
    );
    for (const g of diagnoses)
      console.log(
        `| ${g.target} | ${g.ingestSamples} | ${g.waitingForWalFlushPercent} | ${g.onCpuPercent} | ${g.walBytesPerDelivery} |`,
      );
  }
  console.log(
    "\n| engine | steady rate req/s | served req/s | p99 ms | queued when the load stopped | lag p50 ms | lag p99 ms | lag max ms |\n|---|---:|---:|---:|---:|---:|---:|---:|",
  );
  for (const l of lags) {
    console.log(
      `| ${l.engine} | ${l.rate} | ${l.served} | ${l.p99LatencyMs} | ${l.queuedWhenLoadStopped} | ${l.lag.p50Ms} | ${l.lag.p99Ms} | ${l.lag.maxMs} |`,
    );
  }
  const fmt = (x: number | null) => (x === null ? "n/a" : x.toFixed(2));
  console.log(
    `\nSQLite / bare ${fmt(ratios.sqliteVsBare)} (target ≥ 0.5), PostgreSQL / bare ${fmt(ratios.postgresVsBare)} (target ≥ 0.3, p99 < 50 ms), two replicas / one ${fmt(ratios.twoReplicasVsOne)} (target ≥ 0.9), lag p99 < 1000 ms on both engines. Load average during the run: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")} on ${cpus().length} cores.`,
  );
  const out = resolve(here, "results", "throughput.json");
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(
    out,
    `${JSON.stringify({ date: new Date().toISOString(), node: process.version, cpu: cpus()[0]?.model, cores: cpus().length, loadavg: loadavg(), duration, lagDuration, connections, results, ratios, lags, diagnoses }, null, 2)}\n`,
  );
  console.log("results: bench/results/throughput.json");
} finally {
  for (const child of children) child.kill("SIGTERM");
  rmSync(work, { recursive: true, force: true });
  if (databaseUrl) {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  }
}
