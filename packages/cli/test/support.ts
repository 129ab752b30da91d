// What the CLI tests share: the command as a user runs it, a process with its exit code, stdout and stderr.
import { execFile } from "node:child_process";
import { resolve } from "node:path";
import { promisify } from "node:util";

export const bin = resolve(import.meta.dirname, "..", "bin", "meeting-webhooks.js");
const run = promisify(execFile);

export interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `meeting-webhooks <args>` with `input` on standard input (none: closed) and `env` over this process's. */
export async function runCli(
  args: string[],
  options: { input?: string; env?: Record<string, string> } = {},
): Promise<Outcome> {
  const child = run(process.execPath, [bin, ...args], { env: { ...process.env, ...options.env } });
  child.child.stdin?.end(options.input);
  try {
    const { stdout, stderr } = await child;
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as Outcome;
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}
