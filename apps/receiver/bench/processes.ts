// The servers under load, each its own process on loopback, and their end: every process started here is stopped
// by the run that started it, also when it fails.
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";

const children = new Set<ChildProcess>();

export function startServer(name: string, argv: string[], env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, argv, {
    env: { ...process.env, ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  child.stderr?.on("data", (chunk) => {
    if (process.env.BENCH_VERBOSE) process.stderr.write(`[${name}] ${chunk}`);
  });
  children.add(child);
  child.once("exit", () => children.delete(child));
  return child;
}

/** Resolves once GET /healthz answers; rejects when the process exits first or after a minute. */
export async function listening(port: number, child: ChildProcess, name: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`${name} exited with ${child.exitCode} (BENCH_VERBOSE=1 shows why)`);
    try {
      await fetch(`http://127.0.0.1:${port}/healthz`);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`${name} did not listen on ${port} within a minute`);
}

export async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await exited;
}

export async function stopAll(): Promise<void> {
  await Promise.all([...children].map(stopServer));
}

const pending = async (port: number) =>
  ((await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()) as { pending?: number }).pending ?? 0;

/** Waits (at most five minutes) until the server has handled what it accepted; returns the seconds it took. */
export async function drained(port: number): Promise<number> {
  const started = Date.now();
  while ((await pending(port)) > 0 && Date.now() - started < 300_000)
    await new Promise((r) => setTimeout(r, 100));
  return (Date.now() - started) / 1000;
}

export { pending };

/**
 * CPU time (user + system, ms) a process has used so far, from /proc (Linux); undefined elsewhere. Its difference
 * over a load, divided by the requests answered, says what a request costs the server whatever else runs.
 */
export function cpuMsOf(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may hold spaces, so split after its closing parenthesis): utime is the
    // 14th field and stime the 15th, in clock ticks of 10 ms on Linux.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}
