// The servers under load, each its own process on loopback, and their end: every process started here is stopped
// by the run that started it, also when it fails.
import { type ChildProcess, spawn } from "node:child_process";

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
