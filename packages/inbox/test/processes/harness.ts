// Apps (test/processes/app.ts) as real processes: start one, SIGKILL it, stop it; post signed deliveries to them as
// a provider does (another process when one does not answer); and read back what their handlers recorded.
import { type ChildProcess, fork } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { resolve } from "node:path";
import type { ReceiveOptions } from "@meeting-webhooks/receive";
import type { Database } from "../../src/database/seam.js";
import { listDeliveries } from "../../src/operations/read.js";

const app = resolve(import.meta.dirname, "app.ts");
const tsx = createRequire(import.meta.url).resolve("tsx");

export interface AppProcess {
  child: ChildProcess;
  url: string;
  pid: number;
}

export function startApp(env: Record<string, string>): Promise<AppProcess> {
  return new Promise((resolveStart, reject) => {
    const child = fork(app, [], {
      // tsx keeps no transpile cache in TMPDIR (CI checks that the tests leave nothing there).
      env: { ...process.env, TSX_DISABLE_CACHE: "1", ...env },
      execArgv: ["--import", tsx],
      stdio: ["ignore", "ignore", "pipe", "ipc"],
    });
    let stderr = "";
    child.stderr?.on("data", (chunk) => {
      stderr += chunk;
    });
    child.on("message", (message: { ready?: string }) => {
      if (message.ready) resolveStart({ child, url: message.ready, pid: child.pid as number });
    });
    child.on("exit", (code, signal) => reject(new Error(`the app exited with ${code ?? signal}: ${stderr}`)));
  });
}

export async function stopApp(app: AppProcess, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
  if (app.child.exitCode !== null || app.child.signalCode !== null) return;
  const exited = new Promise((r) => app.child.once("exit", r));
  app.child.kill(signal);
  await exited;
}

/** Posts a delivery; the status, or 0 when the process did not answer (it died): not acknowledged. */
export async function post(app: AppProcess, delivery: ReceiveOptions): Promise<number> {
  const path = delivery.channel === "webhook" ? "/webhooks/meetingbaas" : "/webhooks/meetingbaas/callback";
  try {
    const response = await fetch(`${app.url}${path}`, {
      method: "POST",
      headers: delivery.headers as Record<string, string>,
      body: delivery.body,
    });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 0;
  }
}

export interface Run {
  id: string;
  attempt: number;
  pid: number;
  start: number;
  end?: number;
}

/** Every run the handlers recorded, with its end when it ended. */
export function readRuns(file: string): Run[] {
  if (!existsSync(file)) return [];
  const runs: Run[] = [];
  const open = new Map<string, Run>();
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (!line) continue;
    const entry = JSON.parse(line) as Partial<Run> & { id: string; pid: number };
    const key = `${entry.id}:${entry.pid}`;
    if (entry.start !== undefined) {
      const run = entry as Run;
      runs.push(run);
      open.set(key, run);
    } else {
      const run = open.get(key);
      if (run) run.end = entry.end as number;
    }
  }
  return runs;
}

export interface LogRow {
  id: string;
  deliveryKey: string;
  subject: string | null;
  state: string;
  finishedAt: number | null;
}

/** The log as the checks read it: every delivery (at most 1000) with its state and when its success was recorded. */
export async function readLog(db: Database): Promise<LogRow[]> {
  return (await listDeliveries(db, { limit: 1000 })).map((d) => ({
    id: d.id,
    deliveryKey: d.deliveryKey,
    subject: d.subject,
    state: d.state,
    finishedAt: d.finishedAt?.getTime() ?? null,
  }));
}

/**
 * What every crash test checks, given the log and the runs: every acknowledged delivery handled; no run started
 * after its delivery's success was recorded; a delivery ran more than once only when its earlier runs were in a
 * process that was killed; one subject's deliveries ran one after another in id order. Returns what went wrong.
 */
export function violations(options: {
  acknowledged: Set<string>;
  log: LogRow[];
  runs: Run[];
  killed: Set<number>;
}): Record<string, string[]> {
  const { acknowledged, log, runs, killed } = options;
  const byKey = new Map(log.map((row) => [row.deliveryKey, row]));
  const runsOf = new Map<string, Run[]>();
  for (const run of runs) runsOf.set(run.id, [...(runsOf.get(run.id) ?? []), run]);
  const found: Record<string, string[]> = { lost: [], unhandled: [], afterSuccess: [], twice: [], order: [] };
  for (const key of acknowledged) {
    const row = byKey.get(key);
    if (!row) found.lost?.push(key);
    else if (row.state !== "handled") found.unhandled?.push(`${key} ${row.state}`);
  }
  for (const row of log) {
    const own = runsOf.get(row.id) ?? [];
    for (const run of own)
      if (row.finishedAt !== null && run.start > row.finishedAt)
        found.afterSuccess?.push(`${row.id} in ${run.pid}`);
    for (const run of own.slice(0, -1))
      if (!killed.has(run.pid))
        found.twice?.push(`${row.id} ran again after a run in ${run.pid}, not killed`);
  }
  const bySubject = new Map<string, LogRow[]>();
  for (const row of log)
    if (row.subject) bySubject.set(row.subject, [...(bySubject.get(row.subject) ?? []), row]);
  for (const rows of bySubject.values()) {
    rows.sort((a, b) => Number(a.id) - Number(b.id));
    for (let i = 1; i < rows.length; i++) {
      const before = rows[i - 1] as LogRow;
      const after = rows[i] as LogRow;
      for (const run of runsOf.get(after.id) ?? [])
        if (before.finishedAt === null || run.start < before.finishedAt)
          found.order?.push(`${after.id} started before ${before.id} was handled`);
    }
  }
  return Object.fromEntries(Object.entries(found).filter(([, list]) => list.length > 0));
}
