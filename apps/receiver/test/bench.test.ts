// The benchmark's pure parts (bench/): its command line, the arithmetic of interleaved pairs, the report with its
// verdicts, and reading pgbench's summary. No server is started and nothing is timed.
import { describe, expect, it } from "vitest";
import { defaults, parseBenchArgs, usage } from "../bench/options.js";
import { isPgbenchError, parsePgbenchOutput, pgbenchScript } from "../bench/pgbench.js";
import {
  type EngineReport,
  formatLag,
  formatReport,
  formatRounds,
  type Round,
  verdictsOf,
} from "../bench/report.js";
import { median, pairedRatios, percentiles, ratio, spread } from "../bench/stats.js";

describe("the benchmark's command line", () => {
  it("uses the defaults when given nothing", () => {
    expect(parseBenchArgs([])).toEqual({ ok: true, options: defaults });
  });

  it("reads every option, in both --name value and --name=value forms", () => {
    const parsed = parseBenchArgs([
      "--engine",
      "postgres",
      "--duration=5",
      "--connections",
      "64",
      "--pairs",
      "5",
      "--lag-duration",
      "0",
      "--variant",
      "PROCESSING_CONCURRENCY=16",
      "--variant=DATABASE_POOL_SIZE=20",
    ]);
    expect(parsed).toEqual({
      ok: true,
      options: {
        engines: ["postgres"],
        duration: 5,
        connections: 64,
        pairs: 5,
        lagDuration: 0,
        variant: { PROCESSING_CONCURRENCY: "16", DATABASE_POOL_SIZE: "20" },
        help: false,
      },
    });
  });

  it("takes both engines for --engine both", () => {
    const parsed = parseBenchArgs(["--engine", "both"]);
    expect(parsed.ok && parsed.options.engines).toEqual(["sqlite", "postgres"]);
  });

  it("asks for help with --help or -h", () => {
    for (const flag of ["--help", "-h"]) {
      const parsed = parseBenchArgs([flag]);
      expect(parsed.ok && parsed.options.help).toBe(true);
    }
  });

  it("refuses an unknown option with its code and the pointer of the argument", () => {
    expect(parseBenchArgs(["--duration", "3", "--fast"])).toEqual({
      ok: false,
      error: { code: "unknown_option", message: expect.stringContaining("--fast"), pointer: "/argv/2" },
    });
  });

  it("refuses an option without its value", () => {
    const parsed = parseBenchArgs(["--duration", "--pairs", "2"]);
    expect(!parsed.ok && parsed.error.code).toBe("missing_value");
    expect(!parsed.ok && parsed.error.pointer).toBe("/argv/0");
  });

  it("refuses a count out of bounds or not whole, and says the bounds", () => {
    for (const value of ["0", "1.5", "x", "301"]) {
      const parsed = parseBenchArgs(["--duration", value]);
      expect(parsed.ok).toBe(false);
      expect(!parsed.ok && parsed.error).toMatchObject({
        code: "invalid_value",
        message: expect.stringContaining("1 to 300"),
      });
    }
  });

  it("refuses an unknown engine and a variant that is not KEY=VALUE", () => {
    expect(parseBenchArgs(["--engine", "mysql"])).toMatchObject({
      ok: false,
      error: { code: "invalid_value" },
    });
    expect(parseBenchArgs(["--variant", "PROCESSING_CONCURRENCY"])).toMatchObject({
      ok: false,
      error: { code: "invalid_value" },
    });
    expect(parseBenchArgs(["--variant", "lower=1"])).toMatchObject({
      ok: false,
      error: { code: "invalid_value" },
    });
  });

  it("documents every option it parses", () => {
    for (const name of [
      "--engine",
      "--duration",
      "--connections",
      "--pairs",
      "--lag-duration",
      "--variant",
      "--help",
    ])
      expect(usage()).toContain(name);
  });
});

describe("the arithmetic of interleaved pairs", () => {
  it("takes the middle value, or the mean of the two middle ones", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it("gives the median with the range", () => {
    expect(spread([1.2, 0.9, 1.5])).toEqual({ median: 1.2, min: 0.9, max: 1.5 });
  });

  it("has no ratio for a missing or zero side", () => {
    expect(ratio(3, 2)).toBe(1.5);
    expect(ratio(3, 0)).toBeNaN();
    expect(ratio(undefined, 2)).toBeNaN();
  });

  it("takes the ratio of each round before the median, and leaves out rounds with a side missing", () => {
    // Round 2 ran on a slower machine: both sides halved, its ratio is still 2.
    expect(pairedRatios([1000, 500, 900], [500, 250, 300])).toEqual({ median: 2, min: 2, max: 3 });
    expect(pairedRatios([1000, 800], [500, 0])).toEqual({ median: 2, min: 2, max: 2 });
  });

  it("gives nearest-rank percentiles of unsorted values", () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentiles(values)).toEqual({ count: 100, p50: 50, p99: 99, max: 100 });
    expect(percentiles([])).toEqual({ count: 0, p50: 0, p99: 0, max: 0 });
  });
});

const round = (receiver: number, peer: number, pgbench?: number, p99Ms = 20): Round => ({
  receiver: { rate: receiver, p99Ms },
  peer: { rate: peer, p99Ms: 30 },
  ...(pgbench === undefined ? {} : { pgbench: { rate: pgbench } }),
});

const lag = (p99: number) => ({
  rate: 500,
  seconds: 30,
  served: 500,
  p99LatencyMs: 10,
  queuedWhenLoadStopped: 0,
  drainSeconds: 0,
  lagMs: { count: 15000, p50: 40, p99, max: p99 + 10 },
});

describe("the report", () => {
  const sqlite: EngineReport = {
    engine: "sqlite",
    rounds: [round(3000, 1000), round(2700, 1000), round(3300, 1000)],
    lag: lag(120),
  };
  const postgres: EngineReport = {
    engine: "postgres",
    rounds: [round(2000, 1000, 2500, 80), round(1800, 1000, 2000, 60), round(2200, 1000, 2400, 70)],
    lag: lag(2500),
  };

  it("judges each target on the median of the rounds, with the range", () => {
    expect(verdictsOf(sqlite)).toEqual([
      {
        engine: "sqlite",
        name: "receiver / peer",
        goal: "≥ 1.5 × (aim 3 ×)",
        measured: { median: 3, min: 2.7, max: 3.3 },
        unit: "×",
        status: "PASS",
      },
      expect.objectContaining({ name: "receiver p99 latency", goal: "< 50 ms", status: "PASS" }),
      expect.objectContaining({
        name: "processing lag p99 at half the maximum",
        goal: "< 1000 ms",
        status: "PASS",
      }),
    ]);
  });

  it("marks a missed target MISS, and judges PostgreSQL against pgbench too", () => {
    const byName = Object.fromEntries(verdictsOf(postgres).map((v) => [v.name, v]));
    expect(byName["receiver / peer"]?.status).toBe("PASS");
    expect(byName["receiver / pgbench"]).toMatchObject({
      status: "MISS",
      measured: { median: 0.9, min: 0.8, max: 0.9166666666666666 },
    });
    expect(byName["receiver p99 latency"]).toMatchObject({ status: "MISS", measured: { median: 70 } });
    expect(byName["processing lag p99 at half the maximum"]?.status).toBe("MISS");
  });

  it("has no verdict for a target it could not measure", () => {
    const noLag = verdictsOf({ engine: "sqlite", rounds: sqlite.rounds });
    expect(noLag.find((v) => v.name.startsWith("processing lag"))?.status).toBe("n/a");
    expect(verdictsOf({ engine: "postgres", rounds: [], skipped: "no server" })).toEqual([]);
  });

  it("prints the handling rate alone as what was queued over the time it took to empty", () => {
    const drained = { ...sqlite, lag: { ...lag(120), queuedWhenLoadStopped: 1000, drainSeconds: 4 } };
    expect(formatLag([drained]).split("\n")[2]).toBe(
      "| SQLite | 500 | 500 | 10 | 1,000 | 250 | 40 | 120 | 130 |",
    );
  });

  it("prints each round side by side with its ratios", () => {
    expect(formatRounds(postgres).split("\n")[2]).toBe(
      "| 1 | 2,000 | 80 | 1,000 | 30 | 2,500 | 2.00 | 0.80 |",
    );
  });

  it("prints the verdicts with goal, median, range and PASS or MISS, and a skipped engine in one line", () => {
    const text = formatReport(
      [sqlite, { engine: "postgres", rounds: [], skipped: "no server answered" }],
      "machine",
    );
    expect(text).toContain("| SQLite | receiver / peer | ≥ 1.5 × (aim 3 ×) | 3.00 × | 2.70–3.30 | PASS |");
    expect(text).toContain("PostgreSQL: skipped, no server answered");
    expect(text.trimEnd().endsWith("machine")).toBe(true);
    const missed = formatReport([postgres], "machine");
    expect(missed).toContain("| PostgreSQL | receiver / pgbench | ≥ 1 × | 0.90 × | 0.80–0.92 | MISS |");
    expect(missed).toContain(
      "| PostgreSQL | processing lag p99 at half the maximum | < 1000 ms | 2,500 ms | – | MISS |",
    );
  });
});

describe("reading pgbench", () => {
  // The summary as PostgreSQL 15's pgbench prints it after `-T`.
  const output = `pgbench (15.20 (Debian 15.20-0+deb12u1))
transaction type: /tmp/meeting-webhooks-pgbench-x/insert.sql
scaling factor: 1
query mode: prepared
number of clients: 32
number of threads: 2
maximum number of tries: 1
duration: 10 s
number of transactions actually processed: 21304
number of failed transactions: 3 (0.014%)
latency average = 15.021 ms
initial connection time = 20.102 ms
tps = 2130.391840 (without initial connection time)
`;

  it("reads the transactions, failures, mean latency and tps", () => {
    expect(parsePgbenchOutput(output)).toEqual({
      transactions: 21304,
      failed: 3,
      tps: 2130.39184,
      latencyAverageMs: 15.021,
    });
  });

  it("reads the wording of PostgreSQL before 14", () => {
    const old =
      "number of transactions actually processed: 100\ntps = 99.5 (including connections establishing)\ntps = 101.25 (excluding connections establishing)\n";
    expect(parsePgbenchOutput(old)).toMatchObject({ transactions: 100, failed: 0, tps: 101.25 });
  });

  it("says what it got when the output has no summary", () => {
    const result = parsePgbenchOutput('pgbench: error: connection to server failed: "x"');
    expect(isPgbenchError(result) && result.code).toBe("pgbench_output_unreadable");
    expect(isPgbenchError(result) && result.message).toContain("connection to server failed");
  });

  it("inserts from the payload table, so the body's colons never reach pgbench's variable syntax", () => {
    expect(pgbenchScript).toContain("FROM peer_payload");
    // A cast (`::bigint`) is not a variable to pgbench; a single colon before a name would be.
    expect(pgbenchScript).not.toMatch(/(?<!:):(?!:)[a-z_]/);
  });
});
