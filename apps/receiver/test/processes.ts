// Receivers as real processes (the built dist/main.js), for the crash and scale tests: start, SIGKILL, stop, and
// a TCP proxy in front of PostgreSQL that a test can cut and restore, as if the database went away and came back.
import { type ChildProcess, fork } from "node:child_process";
import { connect, createServer, type Server, type Socket } from "node:net";
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

/** A TCP proxy to `target` that can drop every connection and refuse new ones until restored. */
export class CuttableProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  async listen(port = 0): Promise<void> {
    const server = createServer((client) => {
      const upstream = connect(this.targetPort, this.targetHost);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on("close", () => this.sockets.delete(s));
        s.on("error", () => {});
      }
      client.pipe(upstream).pipe(client);
      client.on("close", () => upstream.destroy());
      upstream.on("close", () => client.destroy());
    });
    await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
    this.server = server;
    this.port = (server.address() as { port: number }).port;
  }

  /** The database "goes away": every connection drops and new ones are refused. */
  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    if (server) await new Promise((r) => server.close(r));
  }

  /** It comes back on the same port. */
  restore(): Promise<void> {
    return this.listen(this.port);
  }

  async close(): Promise<void> {
    await this.cut();
  }
}
