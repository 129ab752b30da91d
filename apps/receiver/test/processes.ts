// Receivers as real processes (the built dist/main.js), for the crash and scale tests: start, SIGKILL, stop, and
// a TCP proxy in front of PostgreSQL that a test can cut and restore, as if the database went away and came back.
import { type ChildProcess, fork } from "node:child_process";
import { resolve } from "node:path";

const main = resolve(import.meta.dirname, "..", "dist", "main.js");

export interface ReceiverProcess {
  child: ChildProcess;
  url: string;
  name: string;
}

export function exited(child: ChildProcess): Promise<unknown> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((r) => child.once("exit", r));
}

/** Starts dist/main.js with `env` and resolves once it listens. */
export function startProcess(
  env: Record<string, string>,
  name = env.RECEIVER_NAME ?? "receiver",
): Promise<ReceiverProcess> {
  return new Promise((resolveStart, reject) => {
    const child = fork(main, [], {
      env: { ...process.env, PORT: "0", RECEIVER_NAME: name, ...env },
      stdio: ["ignore", "ignore", "pipe", "ipc"],
    });
    let stderr = "";
    child.stderr?.on("data", (chunk) => {
      stderr += chunk;
    });
    child.on("message", (message: { ready?: string }) => {
      if (message.ready) resolveStart({ child, url: message.ready, name });
    });
    child.on("exit", (code, signal) => {
      const error = new Error(`${name} exited with ${code ?? signal}: ${stderr}`);
      // After start-up, an exit nobody asked for is a crash: say why.
      if (signal === null && code !== 0) console.error(error.message);
      reject(error);
    });
  });
}

export async function stopProcess(p: ReceiverProcess, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
  if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill(signal);
  await exited(p.child);
}
