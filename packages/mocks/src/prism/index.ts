// @meeting-webhooks/mocks/prism (Node only): start Prism over the documents generated from the contracts, as a mock
// server or as a validating proxy in front of a receiver. Prism ignores `webhooks`, hence the generated documents.
import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { apiRoutes, webhookCatalog } from "../contract.gen.js";

const prismDir = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "prism");

/** The Prism documents shipped with this package, generated from the contracts (`npm run generate`). */
export const prismDocuments = {
  /** Cronofy's API as a consumer calls it: resource downloads. */
  cronofy: join(prismDir, "cronofy.gen.yaml"),
  /** Meeting BaaS's API as a consumer calls it: signed artifacts, retry-callback, resend-webhook. */
  meetingbaas: join(prismDir, "meetingbaas.gen.yaml"),
  /** The receiver contract: every webhook as `POST /webhooks/<provider>/<channel>/<event>`. */
  receiver: join(prismDir, "receiver.gen.yaml"),
} as const;
export type PrismDocument = keyof typeof prismDocuments;

/** What each shipped document serves, as `METHOD /path/{param}`, read from the contracts. */
export const prismRoutes: Record<PrismDocument, string[]> = {
  cronofy: Object.values(apiRoutes)
    .filter((route) => route.provider === "cronofy")
    .map((route) => `${route.method} ${route.path}`),
  meetingbaas: Object.values(apiRoutes)
    .filter((route) => route.provider === "meetingbaas")
    .map((route) => `${route.method} ${route.path}`),
  receiver: webhookCatalog.flatMap((webhook) =>
    webhook.methods.map((method) => `${method} ${webhook.receiverPath}`),
  ),
};

/** The loopback ports `meeting-webhooks mock` serves each document on. */
export const defaultPorts: Record<PrismDocument, number> = {
  cronofy: 4010,
  meetingbaas: 4011,
  receiver: 4012,
};

export interface StartPrismOptions {
  /** One of `prismDocuments`' names, or a path to an OpenAPI document. */
  document: PrismDocument | (string & {});
  /** `mock` answers from the document; `proxy` forwards to `upstream` and checks both directions. */
  mode?: "mock" | "proxy";
  /** The server a proxy forwards to, e.g. your receiver at `http://127.0.0.1:3000`. */
  upstream?: string;
  /** Default: a free port. */
  port?: number;
  /** Default `127.0.0.1`: nothing is exposed beyond this machine. */
  host?: string;
  /** Refuse requests (and in proxy mode responses) that break the document, with the violations (default true). */
  errors?: boolean;
  /** Generate varied responses from the schemas instead of the documents' examples (default false). */
  dynamic?: boolean;
  /**
   * How long to wait for Prism to listen, in ms (default 120 000). Prism loads and bundles the document first: seconds
   * on an idle machine, over 30 s on two busy CI cores, so only a Prism that never listens should fail.
   */
  startTimeoutMs?: number;
  /** Every line Prism prints, e.g. for a verbose mode. */
  onOutput?: (line: string) => void;
}

export interface PrismServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  /** How long Prism took to start listening, in ms. */
  startupMs: number;
  /** The operations Prism serves (`POST /webhooks/cronofy/callback/…`): from the contracts for a shipped document, else as Prism announced them. */
  routes: string[];
  process: ChildProcess;
  /** Stops Prism and waits for it to exit. */
  stop(): Promise<void>;
}

/** Where the Prism command line of the installed @stoplight/prism-cli lives. */
export function prismBin(): string {
  const require = createRequire(import.meta.url);
  let manifest: string;
  try {
    manifest = require.resolve("@stoplight/prism-cli/package.json");
  } catch {
    throw new Error(
      "@stoplight/prism-cli is not installed: `npm install --save-dev @stoplight/prism-cli@5.14.2` (5.14.2 runs on Node 20).",
    );
  }
  const bin = (require(manifest) as { bin: string | Record<string, string> }).bin;
  return join(dirname(manifest), typeof bin === "string" ? bin : (bin.prism as string));
}

export async function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, host, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

/** Starts Prism and resolves once it listens. */
export async function startPrism(options: StartPrismOptions): Promise<PrismServer> {
  const mode = options.mode ?? "mock";
  if (mode === "proxy" && !options.upstream) throw new Error("startPrism: proxy mode needs an upstream URL");
  const host = options.host ?? "127.0.0.1";
  const port = options.port ?? (await freePort(host));
  const document =
    options.document in prismDocuments ? prismDocuments[options.document as PrismDocument] : options.document;
  const args = [prismBin(), mode, document, ...(mode === "proxy" ? [options.upstream as string] : [])];
  args.push("--host", host, "--port", String(port));
  if (options.errors ?? true) args.push("--errors");
  if (options.dynamic) args.push("--dynamic");
  const began = performance.now();
  const child = spawn(process.execPath, args, {
    stdio: ["ignore", "pipe", "pipe"],
    // Prism only talks to the upstream; no colours so the output can be read.
    env: { ...process.env, FORCE_COLOR: "0", NO_COLOR: "1" },
  });
  const routes: string[] = [];
  const output: string[] = [];
  // Prism must not outlive the process that started it, even when that process ends without calling stop().
  const killOnExit = () => child.kill("SIGTERM");
  process.once("exit", killOnExit);
  const exited = new Promise<void>((done) =>
    child.once("exit", () => {
      process.off("exit", killOnExit);
      done();
    }),
  );
  await new Promise<void>((ready, fail) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      fail(
        new Error(
          `Prism did not listen within ${options.startTimeoutMs ?? 120_000} ms:\n${output.join("\n")}`,
        ),
      );
    }, options.startTimeoutMs ?? 120_000);
    let buffered = "";
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString("utf8");
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      for (const line of lines) {
        output.push(line);
        options.onOutput?.(line);
        const route = /\b(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\s+(\S+)$/.exec(line);
        if (route) routes.push(`${route[1]} ${new URL(route[2] as string).pathname}`);
        if (/Prism is listening on/.test(line)) {
          clearTimeout(timer);
          ready();
        }
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      fail(new Error(`Prism exited (code ${code}) before listening:\n${output.join("\n")}`));
    });
  });
  const startupMs = Math.round(performance.now() - began);
  return {
    url: `http://${host}:${port}`,
    port,
    startupMs,
    routes: options.document in prismRoutes ? prismRoutes[options.document as PrismDocument] : routes,
    process: child,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const force = setTimeout(() => child.kill("SIGKILL"), 3000);
      await exited;
      clearTimeout(force);
    },
  };
}
