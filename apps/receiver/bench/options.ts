// The benchmark's command line, written once as a table: the parser and the help text both read it, so an option
// cannot be parsed one way and documented another. Pure, so that test/bench.test.ts can check it without a server.

export type Engine = "sqlite" | "postgres";

export interface BenchOptions {
  engines: Engine[];
  /** Seconds of load per target in each pair. */
  duration: number;
  /** Concurrent HTTP connections of the load generator (and pgbench's clients: the same concurrency). */
  connections: number;
  /** Interleaved rounds of (receiver, peer, pgbench). */
  pairs: number;
  /** Seconds of steady load at half the receiver's measured maximum, for the processing lag. */
  lagDuration: number;
  /** Environment overrides for the receiver only (`PROCESSING_CONCURRENCY=16`). */
  variant: Record<string, string>;
  help: boolean;
}

/** Why the command line was refused: a code to act on, a message, and the JSON pointer of the offending option. */
export interface OptionError {
  code: "unknown_option" | "missing_value" | "invalid_value";
  message: string;
  pointer: string;
}

type Spec =
  | { kind: "count"; key: "duration" | "connections" | "pairs" | "lagDuration"; min: number; max: number }
  | { kind: "engine"; key: "engines" }
  | { kind: "variant"; key: "variant" }
  | { kind: "flag"; key: "help" };

interface Row {
  name: string;
  value: string;
  description: string;
  spec: Spec;
}

export const defaults: BenchOptions = {
  engines: ["sqlite", "postgres"],
  duration: 10,
  connections: 32,
  pairs: 3,
  lagDuration: 30,
  variant: {},
  help: false,
};

// The bounds keep a run bounded in time and in what it asks of the machine.
export const optionTable: readonly Row[] = [
  {
    name: "--engine",
    value: "sqlite|postgres|both",
    description: "which storage to measure (default both; PostgreSQL is skipped when it does not answer)",
    spec: { kind: "engine", key: "engines" },
  },
  {
    name: "--duration",
    value: "<s>",
    description: `seconds of load per target in each pair, 1–300 (default ${defaults.duration})`,
    spec: { kind: "count", key: "duration", min: 1, max: 300 },
  },
  {
    name: "--connections",
    value: "<n>",
    description: `concurrent connections, and pgbench's clients, 1–512 (default ${defaults.connections})`,
    spec: { kind: "count", key: "connections", min: 1, max: 512 },
  },
  {
    name: "--pairs",
    value: "<n>",
    description: `interleaved rounds of receiver, peer, pgbench, 1–9 (default ${defaults.pairs})`,
    spec: { kind: "count", key: "pairs", min: 1, max: 9 },
  },
  {
    name: "--lag-duration",
    value: "<s>",
    description: `seconds of steady load at half the maximum for the processing lag, 0–600, 0 skips it (default ${defaults.lagDuration})`,
    spec: { kind: "count", key: "lagDuration", min: 0, max: 600 },
  },
  {
    name: "--variant",
    value: "KEY=VALUE",
    description: "an environment override for the receiver only, repeatable (e.g. PROCESSING_CONCURRENCY=16)",
    spec: { kind: "variant", key: "variant" },
  },
  { name: "--help", value: "", description: "print this and exit", spec: { kind: "flag", key: "help" } },
];

export function usage(): string {
  const width = Math.max(...optionTable.map((r) => `${r.name} ${r.value}`.length));
  const lines = optionTable.map(
    (r) => `  ${`${r.name} ${r.value}`.trimEnd().padEnd(width)}  ${r.description}`,
  );
  return `throughput.bench: the receiver against the peers a team would otherwise write, same signed deliveries, same run.

Usage: npm run bench -w @meeting-webhooks/receiver -- [options]
${lines.join("\n")}

Needs a build first (npm run build). PostgreSQL from BENCH_DATABASE_URL or TEST_DATABASE_URL (a scratch database is
created and dropped), pgbench from PGBENCH_PATH or /usr/bin/pgbench. Writes bench/results/throughput.json.`;
}

const variantKey = /^[A-Z][A-Z0-9_]*$/;

/** The options, or the first thing wrong with the command line. `--name=value` and `--name value` both work. */
export function parseBenchArgs(
  argv: readonly string[],
): { ok: true; options: BenchOptions } | { ok: false; error: OptionError } {
  const options: BenchOptions = { ...defaults, engines: [...defaults.engines], variant: {} };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const [name, inline] = arg.startsWith("--") && arg.includes("=") ? splitOnce(arg, "=") : [arg, undefined];
    const row = optionTable.find((r) => r.name === name || (name === "-h" && r.spec.key === "help"));
    const pointer = `/argv/${i}`;
    if (!row) return fail("unknown_option", `unknown option ${name}; --help lists the options`, pointer);
    if (row.spec.kind === "flag") {
      options.help = true;
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined || (inline === undefined && value.startsWith("--")))
      return fail("missing_value", `${row.name} needs a value: ${row.name} ${row.value}`, pointer);
    const spec = row.spec;
    if (spec.kind === "count") {
      const n = Number(value);
      if (!Number.isInteger(n) || n < spec.min || n > spec.max)
        return fail(
          "invalid_value",
          `${row.name} takes a whole number from ${spec.min} to ${spec.max}, not ${JSON.stringify(value)}`,
          pointer,
        );
      options[spec.key] = n;
    } else if (spec.kind === "engine") {
      if (value === "both") options.engines = ["sqlite", "postgres"];
      else if (value === "sqlite" || value === "postgres") options.engines = [value];
      else
        return fail(
          "invalid_value",
          `--engine takes sqlite, postgres or both, not ${JSON.stringify(value)}`,
          pointer,
        );
    } else {
      const [key, v] = splitOnce(value, "=");
      if (v === undefined || !variantKey.test(key))
        return fail(
          "invalid_value",
          `--variant takes KEY=VALUE with an upper-case environment variable name, not ${JSON.stringify(value)}`,
          pointer,
        );
      options.variant[key] = v;
    }
  }
  return { ok: true, options };
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + separator.length)];
}

function fail(
  code: OptionError["code"],
  message: string,
  pointer: string,
): { ok: false; error: OptionError } {
  return { ok: false, error: { code, message, pointer } };
}
