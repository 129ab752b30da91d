// What a run found, as data, and the tables printed from it: each round side by side, the targets of issue 21 §3
// with PASS or MISS on the median of the rounds and their range, and for PostgreSQL where the commits went. Pure.
import type { Engine } from "./options.js";
import { type Percentiles, pairedRatios, type Spread, spread } from "./stats.js";

/** One target loaded for `duration` seconds in one round. */
export interface Trial {
  /** Acknowledged requests (2xx) per second, or pgbench's transactions per second. */
  rate: number;
  p50Ms?: number;
  p99Ms?: number;
  /** pgbench: the mean time per transaction (it prints no percentiles without per-transaction logs). */
  latencyAverageMs?: number;
  non2xx?: number;
  errors?: number;
  idlePercent?: number;
  /** CPU time the server process used per acknowledged request (its handlers' share included). */
  cpuMsPerRequest?: number;
  /** PostgreSQL: commits per second in the scratch database (pg_stat_database.xact_commit), and rows stored. */
  commitsPerSecond?: number;
  rowsPerSecond?: number;
  /** The receiver: deliveries whose handlers finished per second, in the same window. */
  handledPerSecond?: number;
}

export interface Round {
  receiver: Trial;
  peer: Trial;
  pgbench?: Trial;
}

export interface LagResult {
  rate: number;
  seconds: number;
  served: number;
  p99LatencyMs: number;
  queuedWhenLoadStopped: number;
  /** Seconds the queue took to empty after the load stopped: queued ÷ this is the handling rate alone. */
  drainSeconds: number;
  lagMs: Percentiles;
}

export interface EngineReport {
  engine: Engine;
  rounds: Round[];
  lag?: LagResult;
  /** Why it was not measured (no server, no pgbench); printed instead of its tables. */
  skipped?: string;
  /** Why pgbench was not run while the rest of PostgreSQL was. */
  pgbenchSkipped?: string;
}

export interface Verdict {
  engine: Engine;
  name: string;
  goal: string;
  measured: Spread;
  unit: "×" | "ms";
  status: "PASS" | "MISS" | "n/a";
}

interface Target {
  name: string;
  at: "least" | "below";
  threshold: number;
  unit: "×" | "ms";
  /** Said beside the goal (e.g. SQLite's aim of 3×). */
  note?: string;
}

const engineName: Record<Engine, string> = { sqlite: "SQLite", postgres: "PostgreSQL" };

function verdict(engine: Engine, target: Target, measured: Spread): Verdict {
  const goal = `${target.at === "least" ? "≥" : "<"} ${target.threshold}${target.unit === "×" ? " ×" : " ms"}${target.note ? ` (${target.note})` : ""}`;
  const met =
    target.at === "least" ? measured.median >= target.threshold : measured.median < target.threshold;
  return {
    engine,
    name: target.name,
    goal,
    measured,
    unit: target.unit,
    status: Number.isNaN(measured.median) ? "n/a" : met ? "PASS" : "MISS",
  };
}

/** The targets of issue 21 §3 for one engine, each judged on the median of the rounds. */
export function verdictsOf(report: EngineReport): Verdict[] {
  if (report.skipped) return [];
  const { engine, rounds } = report;
  const rate = (pick: (r: Round) => Trial | undefined) => rounds.map((r) => pick(r)?.rate ?? Number.NaN);
  const verdicts = [
    verdict(
      engine,
      {
        name: "receiver / peer",
        at: "least",
        threshold: 1.5,
        unit: "×",
        ...(engine === "sqlite" ? { note: "aim 3 ×" } : {}),
      },
      pairedRatios(
        rate((r) => r.receiver),
        rate((r) => r.peer),
      ),
    ),
  ];
  if (engine === "postgres")
    verdicts.push(
      verdict(
        engine,
        { name: "receiver / pgbench", at: "least", threshold: 1.0, unit: "×" },
        pairedRatios(
          rate((r) => r.receiver),
          rate((r) => r.pgbench),
        ),
      ),
    );
  verdicts.push(
    verdict(
      engine,
      { name: "receiver p99 latency", at: "below", threshold: 50, unit: "ms" },
      spread(rounds.map((r) => r.receiver.p99Ms ?? Number.NaN).filter((x) => !Number.isNaN(x))),
    ),
    verdict(
      engine,
      { name: "processing lag p99 at half the maximum", at: "below", threshold: 1000, unit: "ms" },
      report.lag ? spread([report.lag.lagMs.p99]) : spread([]),
    ),
  );
  return verdicts;
}

const fixed = (x: number | undefined, digits = 0) =>
  x === undefined || Number.isNaN(x)
    ? "–"
    : x.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });

function measuredText(v: Verdict): { median: string; range: string } {
  const digits = v.unit === "×" ? 2 : 0;
  const { median, min, max } = v.measured;
  return {
    median: `${fixed(median, digits)}${v.unit === "×" ? " ×" : " ms"}`,
    range: min === max ? "–" : `${fixed(min, digits)}–${fixed(max, digits)}`,
  };
}

export function formatVerdicts(verdicts: readonly Verdict[]): string {
  const lines = ["| engine | target | goal | median | range | verdict |", "|---|---|---|---:|---:|---|"];
  for (const v of verdicts) {
    const m = measuredText(v);
    lines.push(
      `| ${engineName[v.engine]} | ${v.name} | ${v.goal} | ${m.median} | ${m.range} | ${v.status} |`,
    );
  }
  return lines.join("\n");
}

/** Every round side by side: the rates, the latencies, and the ratios the targets are judged on. */
export function formatRounds(report: EngineReport): string {
  const postgres = report.engine === "postgres";
  const head = postgres
    ? "| round | receiver req/s | p99 ms | peer req/s | p99 ms | pgbench tps | receiver / peer | receiver / pgbench |\n|---:|---:|---:|---:|---:|---:|---:|---:|"
    : "| round | receiver req/s | p99 ms | CPU ms/req | peer req/s | p99 ms | CPU ms/req | receiver / peer |\n|---:|---:|---:|---:|---:|---:|---:|---:|";
  const rows = report.rounds.map((r, i) => {
    const cells = [
      String(i + 1),
      fixed(r.receiver.rate),
      fixed(r.receiver.p99Ms),
      ...(postgres ? [] : [fixed(r.receiver.cpuMsPerRequest, 3)]),
      fixed(r.peer.rate),
      fixed(r.peer.p99Ms),
      ...(postgres ? [] : [fixed(r.peer.cpuMsPerRequest, 3)]),
      ...(postgres ? [fixed(r.pgbench?.rate)] : []),
      fixed(r.receiver.rate / r.peer.rate, 2),
      ...(postgres ? [fixed(r.pgbench ? r.receiver.rate / r.pgbench.rate : undefined, 2)] : []),
    ];
    return `| ${cells.join(" | ")} |`;
  });
  return [head, ...rows].join("\n");
}

/** PostgreSQL: where the commits go, medians of the rounds: what each target stored per commit. */
export function formatCommits(report: EngineReport): string {
  const med = (pick: (r: Round) => number | undefined) =>
    spread(report.rounds.map(pick).filter((x): x is number => x !== undefined && !Number.isNaN(x))).median;
  const lines = [
    "| target | acked req/s | handled/s | commits/s | rows stored/s | rows per commit | server CPU ms per request | CPU idle % | non-2xx | errors |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
  ];
  const sides: [string, (r: Round) => Trial | undefined][] = [
    ["receiver", (r) => r.receiver],
    ["peer (svix + pg pool of 10)", (r) => r.peer],
    ["pgbench (one commit per row)", (r) => r.pgbench],
  ];
  for (const [name, side] of sides) {
    if (!report.rounds.some((r) => side(r))) continue;
    const commits = med((r) => side(r)?.commitsPerSecond);
    const rows = med((r) => side(r)?.rowsPerSecond);
    lines.push(
      `| ${name} | ${fixed(med((r) => side(r)?.rate))} | ${fixed(med((r) => side(r)?.handledPerSecond))} | ${fixed(commits)} | ${fixed(rows)} | ${fixed(rows / commits, 2)} | ${fixed(
        med((r) => side(r)?.cpuMsPerRequest),
        3,
      )} | ${fixed(med((r) => side(r)?.idlePercent))} | ${fixed(med((r) => side(r)?.non2xx))} | ${fixed(med((r) => side(r)?.errors))} |`,
    );
  }
  return lines.join("\n");
}

export function formatLag(reports: readonly EngineReport[]): string {
  const lines = [
    "| engine | steady rate req/s | served req/s | p99 ms | queued when the load stopped | then handled/s | lag p50 ms | lag p99 ms | lag max ms |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
  ];
  for (const { engine, lag } of reports)
    if (lag)
      lines.push(
        `| ${engineName[engine]} | ${fixed(lag.rate)} | ${fixed(lag.served)} | ${fixed(lag.p99LatencyMs)} | ${fixed(lag.queuedWhenLoadStopped)} | ${fixed(lag.drainSeconds > 0 ? lag.queuedWhenLoadStopped / lag.drainSeconds : undefined)} | ${fixed(lag.lagMs.p50)} | ${fixed(lag.lagMs.p99)} | ${fixed(lag.lagMs.max)} |`,
      );
  return lines.join("\n");
}

/** The whole printed report: per engine its rounds (and for PostgreSQL its commits), the lag, then the verdicts. */
export function formatReport(reports: readonly EngineReport[], machine: string): string {
  const parts: string[] = [];
  for (const report of reports) {
    if (report.skipped) {
      parts.push(`${engineName[report.engine]}: skipped, ${report.skipped}`);
      continue;
    }
    parts.push(
      `${engineName[report.engine]}, ${report.rounds.length} interleaved rounds:\n\n${formatRounds(report)}`,
    );
    if (report.pgbenchSkipped) parts.push(`pgbench: skipped, ${report.pgbenchSkipped}`);
    if (report.engine === "postgres") parts.push(formatCommits(report));
  }
  if (reports.some((r) => r.lag))
    parts.push(`Processing lag at half the receiver's maximum:\n\n${formatLag(reports)}`);
  parts.push(formatVerdicts(reports.flatMap(verdictsOf)));
  parts.push(machine);
  return parts.join("\n\n");
}
