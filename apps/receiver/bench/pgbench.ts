// PostgreSQL's own durable-insert rate on this machine: /usr/bin/pgbench inserting the peer's row shape, one commit
// per row, at the same concurrency as the HTTP load. What a receiver that commits each delivery alone can reach at
// best; a receiver above it is sharing commits.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface PgbenchResult {
  transactions: number;
  failed: number;
  tps: number;
  latencyAverageMs: number;
}

/** What pgbench printed could not be read. */
export interface PgbenchOutputError {
  code: "pgbench_output_unreadable";
  message: string;
}

/**
 * Reads the summary pgbench prints (PostgreSQL 13–17 wording): "number of transactions actually processed",
 * "number of failed transactions" (15+), "latency average" and "tps = … (without initial connection time)".
 */
export function parsePgbenchOutput(text: string): PgbenchResult | PgbenchOutputError {
  const number = (pattern: RegExp) => {
    const match = pattern.exec(text);
    return match ? Number(match[1]) : undefined;
  };
  const transactions = number(/number of transactions actually processed:\s*(\d+)/);
  // "excluding connections establishing" before PostgreSQL 14; "without initial connection time" since.
  const tps =
    number(/tps = ([\d.]+) \(without initial connection time\)/) ??
    number(/tps = ([\d.]+) \(excluding connections establishing\)/);
  const latency = number(/latency average = ([\d.]+) ms/);
  if (transactions === undefined || tps === undefined)
    return {
      code: "pgbench_output_unreadable",
      message: `pgbench printed no transaction count or tps; its output began: ${JSON.stringify(text.slice(0, 200))}`,
    };
  return {
    transactions,
    failed: number(/number of failed transactions:\s*(\d+)/) ?? 0,
    tps,
    latencyAverageMs: latency ?? Number.NaN,
  };
}

export function isPgbenchError(r: PgbenchResult | PgbenchOutputError): r is PgbenchOutputError {
  return "code" in r;
}

/** Where pgbench is, or undefined: PGBENCH_PATH, else Debian's /usr/bin/pgbench. */
export function findPgbench(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const path = env.PGBENCH_PATH || "/usr/bin/pgbench";
  return existsSync(path) ? path : undefined;
}

/**
 * The one-row insert of the peer's shape. The payload comes from a one-row table filled beforehand, not from a
 * literal in the script: pgbench reads `:name` in a script as a variable, and a JSON body is full of colons.
 */
export const pgbenchScript = `INSERT INTO peer_deliveries (delivery_key, provider, channel, event, subject, status, received_at, headers, body)
SELECT 'pgbench_' || gen_random_uuid(), 'meetingbaas', 'webhook', event, subject, 'accepted',
       (extract(epoch FROM clock_timestamp()) * 1000)::bigint, headers, body
  FROM peer_payload;
`;

/** Runs the insert script for `seconds` with `clients` connections, one transaction (one commit) per row. */
export async function runPgbench(
  pgbench: string,
  databaseUrl: string,
  { clients, seconds }: { clients: number; seconds: number },
): Promise<PgbenchResult | PgbenchOutputError> {
  const dir = mkdtempSync(join(tmpdir(), "meeting-webhooks-pgbench-"));
  try {
    const script = join(dir, "insert.sql");
    writeFileSync(script, pgbenchScript);
    // -n: no vacuum of pgbench's own tables (there are none); prepared statements, as node-pg's pool reuses plans.
    const argv = [
      "-n",
      "-M",
      "prepared",
      "-f",
      script,
      "-c",
      String(clients),
      "-j",
      "2",
      "-T",
      String(seconds),
      databaseUrl,
    ];
    const { code, stdout, stderr } = await new Promise<{
      code: number | null;
      stdout: string;
      stderr: string;
    }>((resolve, reject) => {
      const child = spawn(pgbench, argv, { stdio: ["ignore", "pipe", "pipe"] });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (c) => {
        stdout += c;
      });
      child.stderr.on("data", (c) => {
        stderr += c;
      });
      child.on("error", reject);
      child.on("close", (code) => resolve({ code, stdout, stderr }));
    });
    const parsed = parsePgbenchOutput(stdout);
    if (code !== 0 && isPgbenchError(parsed))
      return {
        code: "pgbench_output_unreadable",
        message: `pgbench exited with ${code}: ${stderr.trim().slice(0, 300)}`,
      };
    return parsed;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
