// `npm run bench -w @meeting-webhooks/receiver`: issue 21 §3, "speed, measured side by side". The receiver against
// the peers a team would otherwise write, loaded with the same signed deliveries in the same run, on loopback:
//   - the receiver (verify, validate, store durably with group commit, then handle), per engine;
//   - the peer: node:http + the svix library + one INSERT per request (PostgreSQL pool of 10; SQLite WAL,
//     synchronous=FULL), in peer-server.ts;
//   - PostgreSQL only: pgbench inserting the same row, one commit per row: the server's own durable-insert rate.
// Rounds of (receiver, peer, pgbench) are interleaved, each round in a rotated order, so that a slower minute of a
// shared machine falls on both sides of a ratio; the targets are judged on the median ratio, with the range beside.
// Then a steady load at half the receiver's measured maximum, and the processing lag (finished − received).
// Bounded by --duration, --pairs and --lag-duration; scratch files and the scratch database are removed at the end.
import type { ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { localPostgresUrl } from "@meeting-webhooks/test-support";
import Database from "better-sqlite3";
import { type LoadResult, load, sampleBody } from "./load.js";
import { type BenchOptions, type Engine, parseBenchArgs, usage } from "./options.js";
import { postgresPeerSchema } from "./peer-schema.js";
import { findPgbench, isPgbenchError, runPgbench } from "./pgbench.js";
import { cpuMsOf, drained, pending, stopAll, stopServer } from "./processes.js";
import {
  type EngineReport,
  formatReport,
  type LagResult,
  type Round,
  type Trial,
  verdictsOf,
} from "./report.js";
import {
  type CommitWindow,
  checkPostgres,
  createScratchDatabase,
  fillPgbenchPayload,
  measureCommits,
  postgresLags,
} from "./scratch-database.js";
import { median, percentiles } from "./stats.js";
import { type Storage, startPeerTarget, startReceiverTarget } from "./targets.js";

const here = dirname(fileURLToPath(import.meta.url));
const parsed = parseBenchArgs(process.argv.slice(2));
if (!parsed.ok) {
  console.error(`${parsed.error.message} (${parsed.error.code} at ${parsed.error.pointer})`);
  process.exit(2);
}
const options = parsed.options;
if (options.help) {
  console.log(usage());
  process.exit(0);
}

const progress = (line: string) => process.stderr.write(`${line}\n`);

function trialOf(result: LoadResult & { cpuMsPerRequest?: number }, window?: CommitWindow): Trial {
  return {
    ...(result.cpuMsPerRequest === undefined ? {} : { cpuMsPerRequest: result.cpuMsPerRequest }),
    rate: result.requestsPerSecond,
    p50Ms: result.p50Ms,
    p99Ms: result.p99Ms,
    non2xx: result.non2xx,
    errors: result.errors,
    idlePercent: result.idlePercent,
    ...commitsOf(window),
  };
}

function commitsOf(window?: CommitWindow): Partial<Trial> {
  if (!window) return {};
  return {
    commitsPerSecond: window.commits / window.seconds,
    rowsPerSecond: window.rows / window.seconds,
    ...(window.handled === undefined ? {} : { handledPerSecond: window.handled / window.seconds }),
  };
}

/** Loads a server, and with PostgreSQL counts its commits and rows meanwhile. */
async function loadTarget(
  { port, child }: { port: number; child: ChildProcess },
  storage: Storage,
  table: "inbox_deliveries" | "peer_deliveries",
): Promise<Trial> {
  const run = async () => {
    const before = cpuMsOf(child.pid);
    const result = await load(port, { connections: options.connections, seconds: options.duration });
    const after = cpuMsOf(child.pid);
    const served = result.requestsPerSecond * options.duration;
    return before === undefined || after === undefined || served === 0
      ? result
      : { ...result, cpuMsPerRequest: (after - before) / served };
  };
  if (storage.engine !== "postgres") return trialOf(await run());
  let result: (LoadResult & { cpuMsPerRequest?: number }) | undefined;
  const window = await measureCommits(storage.url, table, options.duration, async () => {
    result = await run();
  });
  return trialOf(result as LoadResult, window);
}

/** The rounds, then the lag at half the receiver's median rate. */
async function benchEngine(
  storage: Storage,
  peerStorage: Storage,
  pgbench: ((round: number) => Promise<Trial>) | undefined,
  lagsSince: (sinceMs: number) => Promise<number[]>,
): Promise<Pick<EngineReport, "rounds" | "lag">> {
  const receiver = await startReceiverTarget(storage, options.variant);
  const peer = await startPeerTarget(peerStorage);
  try {
    const rounds: Round[] = [];
    for (let i = 0; i < options.pairs; i++) {
      const steps: [string, () => Promise<Trial>][] = [
        [
          "receiver",
          async () => {
            await drained(receiver.port);
            const trial = await loadTarget(receiver, storage, "inbox_deliveries");
            // Its backlog is handled before the next target runs, so that the next one has the machine to itself.
            await drained(receiver.port);
            return trial;
          },
        ],
        ["peer", () => loadTarget(peer, peerStorage, "peer_deliveries")],
        ...(pgbench ? ([["pgbench", () => pgbench(i)]] as [string, () => Promise<Trial>][]) : []),
      ];
      const order = [...steps.slice(i % steps.length), ...steps.slice(0, i % steps.length)];
      const round: Partial<Round> = {};
      for (const [name, run] of order) {
        progress(`${storage.engine} round ${i + 1}/${options.pairs}: ${name} for ${options.duration} s…`);
        round[name as keyof Round] = await run();
      }
      rounds.push(round as Round);
    }
    await stopServer(peer.child);
    let lag: LagResult | undefined;
    if (options.lagDuration > 0) {
      const rate = Math.max(1, Math.round(median(rounds.map((r) => r.receiver.rate)) / 2));
      await drained(receiver.port);
      progress(
        `${storage.engine}: steady ${rate} req/s for ${options.lagDuration} s, for the processing lag…`,
      );
      const sinceMs = Date.now();
      const result = await load(receiver.port, {
        connections: options.connections,
        seconds: options.lagDuration,
        overallRate: rate,
      });
      const queued = await pending(receiver.port);
      const drainSeconds = await drained(receiver.port);
      lag = {
        rate,
        seconds: options.lagDuration,
        served: result.requestsPerSecond,
        p99LatencyMs: result.p99Ms,
        queuedWhenLoadStopped: queued,
        drainSeconds,
        lagMs: percentiles(await lagsSince(sinceMs)),
      };
    }
    return { rounds, lag };
  } finally {
    await stopServer(receiver.child);
    await stopServer(peer.child);
  }
}

async function benchSqlite(work: string): Promise<EngineReport> {
  const path = join(work, "receiver.db");
  // The peer gets its own file beside the receiver's, on the same disk.
  const peerStorage: Storage = { engine: "sqlite", path: join(work, "peer.db") };
  const { rounds, lag } = await benchEngine(
    { engine: "sqlite", path },
    peerStorage,
    undefined,
    async (sinceMs) => {
      const db = new Database(path, { readonly: true });
      try {
        return db
          .prepare<[number], { ms: number }>(
            "SELECT finished_at - received_at AS ms FROM inbox_deliveries WHERE outcome = 'handled' AND received_at >= ?",
          )
          .all(sinceMs)
          .map((r) => Number(r.ms));
      } finally {
        db.close();
      }
    },
  );
  return { engine: "sqlite", rounds, ...(lag ? { lag } : {}) };
}

async function benchPostgres(): Promise<EngineReport> {
  const serverUrl = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || localPostgresUrl;
  const problem = await checkPostgres(serverUrl).then(
    () => undefined,
    (error: Error) => error.message,
  );
  if (problem) {
    const skipped = `no PostgreSQL answering at BENCH_DATABASE_URL, TEST_DATABASE_URL or ${localPostgresUrl} (${problem})`;
    progress(`[skip] PostgreSQL rows: ${skipped}`);
    return { engine: "postgres", rounds: [], skipped };
  }
  const pgbench = findPgbench();
  const pgbenchSkipped = pgbench
    ? undefined
    : "no pgbench at PGBENCH_PATH or /usr/bin/pgbench (apt-get install postgresql-client)";
  if (pgbenchSkipped) progress(`[skip] pgbench rows: ${pgbenchSkipped}`);
  const scratch = await createScratchDatabase(serverUrl);
  try {
    const storage: Storage = { engine: "postgres", url: scratch.url };
    const example = JSON.parse(sampleBody) as { event: string; data: { bot_id: string } };
    await fillPgbenchPayload(scratch.url, postgresPeerSchema, {
      event: example.event,
      subject: example.data.bot_id,
      headers: JSON.stringify({
        "svix-id": "msg_pgbench",
        "svix-timestamp": "0",
        "svix-signature": "v1,pgbench",
      }),
      body: sampleBody,
    });
    const runOnce = pgbench
      ? async (): Promise<Trial> => {
          let result: Awaited<ReturnType<typeof runPgbench>> | undefined;
          const window = await measureCommits(scratch.url, "peer_deliveries", options.duration, async () => {
            result = await runPgbench(pgbench, scratch.url, {
              // pgbench opens one session per client: past 64 a stock max_connections (100) runs out once the
              // bench's own pools are counted, and the single-row commit rate no longer grows anyway.
              clients: Math.min(options.connections, 64),
              seconds: options.duration,
            });
          });
          if (!result || isPgbenchError(result)) throw new Error(result?.message ?? "pgbench did not run");
          return { rate: result.tps, latencyAverageMs: result.latencyAverageMs, ...commitsOf(window) };
        }
      : undefined;
    const { rounds, lag } = await benchEngine(storage, storage, runOnce, (sinceMs) =>
      postgresLags(scratch.url, sinceMs),
    );
    return {
      engine: "postgres",
      rounds,
      ...(lag ? { lag } : {}),
      ...(pgbenchSkipped ? { pgbenchSkipped } : {}),
    };
  } finally {
    await stopAll();
    await scratch.drop();
  }
}

const work = mkdtempSync(join(tmpdir(), "meeting-webhooks-bench-"));
const loadBefore = loadavg();
try {
  const reports: EngineReport[] = [];
  for (const engine of options.engines as Engine[])
    reports.push(engine === "sqlite" ? await benchSqlite(work) : await benchPostgres());
  const loadAfter = loadavg();
  const machine = `Machine: ${cpus().length} cores (${cpus()[0]?.model ?? "?"}), Node.js ${process.version}; load average (1, 5, 15 min) ${loadBefore.map((l) => l.toFixed(2)).join(" ")} before, ${loadAfter.map((l) => l.toFixed(2)).join(" ")} after; ${options.duration} s per target, ${options.connections} connections${
    Object.keys(options.variant).length
      ? `, receiver variant ${Object.entries(options.variant)
          .map(([k, v]) => `${k}=${v}`)
          .join(" ")}`
      : ""
  }.`;
  console.log(formatReport(reports, machine));
  const out = resolve(here, "results", "throughput.json");
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(
    out,
    `${JSON.stringify({ date: new Date().toISOString(), node: process.version, cores: cpus().length, loadBefore, loadAfter, options: options satisfies BenchOptions, reports, verdicts: reports.flatMap(verdictsOf) }, null, 2)}\n`,
  );
  console.log("results: bench/results/throughput.json");
} finally {
  await stopAll();
  rmSync(work, { recursive: true, force: true });
}
