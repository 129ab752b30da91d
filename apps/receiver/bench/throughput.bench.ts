// `npm run bench -w @meeting-webhooks/receiver`: throughput and latency, measured side by side in one run with
// autocannon and signed Meeting BaaS webhooks (a fresh svix-id per request, so every request is a new delivery):
//   (a) a bare node:http server that reads the body and JSON.parses it: the ceiling;
//   (b) the receiver: verify + validate + durable store (WAL, synchronous=FULL, group commit) before the 202;
//   (c) Prism proxy validating the same requests against specs/receiver/openapi.yaml in front of (a).
// Targets: (b) ≥ 50 % of (a)'s req/s and ≥ 5× (c)'s, p99 < 50 ms. Writes bench/results/throughput.json.
import { type ChildProcess, spawn } from "node:child_process";
import { createHmac } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { cpus, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { bundleDocument, specsDir } from "@meeting-webhooks/specs";
import autocannon from "autocannon";

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
if (args.includes("--help") || args.includes("-h")) {
  console.log(`throughput.bench: bare node:http vs the receiver vs Prism proxy, same signed requests.

Usage: npm run bench -w @meeting-webhooks/receiver [-- --duration <s>] [-- --connections <n>]
  --duration <s>      seconds per target (default 10)
  --connections <n>   concurrent connections (default 32)
Needs a build first (npm run build). Writes bench/results/throughput.json.`);
  process.exit(0);
}
const option = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const duration = option("--duration", 10);
const connections = option("--connections", 32);

const key = Buffer.from("meeting-webhooks receiver bench key");
const whsec = `whsec_${key.toString("base64")}`;
const body = JSON.stringify(
  JSON.parse(readFileSync(join(specsDir, "meetingbaas/examples/bot.status_change.json"), "utf8")),
);
let counter = 0;

function signedHeaders(): Record<string, string> {
  const id = `msg_bench${process.pid}x${counter++}`;
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest("base64");
  return {
    "content-type": "application/json",
    "svix-id": id,
    "svix-timestamp": timestamp,
    "svix-signature": `v1,${signature}`,
  };
}

async function waitForPort(port: number, child: ChildProcess, name: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}`);
    try {
      await fetch(`http://127.0.0.1:${port}/healthz`);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`${name} did not listen on ${port}`);
}

function start(
  name: string,
  command: string,
  argv: string[],
  env: Record<string, string> = {},
): ChildProcess {
  const child = spawn(command, argv, {
    env: { ...process.env, ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  child.stderr?.on("data", (chunk) => {
    if (process.env.BENCH_VERBOSE) process.stderr.write(`[${name}] ${chunk}`);
  });
  return child;
}

interface Result {
  target: string;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
}

async function load(target: string, port: number, path: string): Promise<Result> {
  process.stderr.write(`loading ${target} for ${duration} s with ${connections} connections…\n`);
  const result = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections,
    duration,
    requests: [
      {
        method: "POST",
        path,
        body,
        setupRequest: (request: Record<string, unknown>) => ({ ...request, headers: signedHeaders() }),
      },
    ],
  });
  return {
    target,
    requestsPerSecond: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

const work = mkdtempSync(join(tmpdir(), "meeting-webhooks-bench-"));
const children: ChildProcess[] = [];
try {
  const bare = start("bare", process.execPath, [join(here, "bare-server.mjs"), "4101"]);
  children.push(bare);
  const receiver = start("receiver", process.execPath, [resolve(here, "../dist/main.js")], {
    PORT: "4102",
    DATABASE_PATH: join(work, "receiver.db"),
    CRONOFY_CLIENT_SECRETS: "bench",
    MEETINGBAAS_CALLBACK_SECRETS: "bench",
    MEETINGBAAS_WEBHOOK_SECRET: whsec,
  });
  children.push(receiver);
  const documentPath = join(work, "receiver-openapi.json");
  writeFileSync(documentPath, JSON.stringify(bundleDocument(join(specsDir, "receiver", "openapi.yaml"))));
  const prismBin = join(
    dirname(createRequire(import.meta.url).resolve("@stoplight/prism-cli/package.json")),
    "dist",
    "index.js",
  );
  const prism = start("prism", process.execPath, [
    prismBin,
    "proxy",
    documentPath,
    "http://127.0.0.1:4101",
    "--errors",
    "-h",
    "127.0.0.1",
    "-p",
    "4103",
  ]);
  children.push(prism);
  await waitForPort(4101, bare, "bare server");
  await waitForPort(4102, receiver, "receiver");
  await waitForPort(4103, prism, "prism");

  const bareResult = await load("(a) bare node:http + JSON.parse", 4101, "/webhooks/meetingbaas");
  const receiverResult = await load(
    "(b) receiver: verify + validate + durable store",
    4102,
    "/webhooks/meetingbaas",
  );
  // Processing yields to ingestion under load; measure how long the backlog takes once arrivals stop.
  const health = async () =>
    ((await (await fetch("http://127.0.0.1:4102/healthz")).json()) as { pending: number }).pending;
  const backlog = await health();
  const drainStart = Date.now();
  while ((await health()) > 0 && Date.now() - drainStart < 120_000)
    await new Promise((r) => setTimeout(r, 100));
  const backlogSeconds = (Date.now() - drainStart) / 1000;
  const results = [
    bareResult,
    receiverResult,
    await load("(c) prism proxy --errors in front of (a)", 4103, "/webhooks/meetingbaas"),
  ];
  const [a, b, c] = results as [Result, Result, Result];
  const stored = await (await fetch("http://127.0.0.1:4102/api/deliveries?limit=1")).json();
  const ratios = {
    receiverVsBare: b.requestsPerSecond / a.requestsPerSecond,
    receiverVsPrism: b.requestsPerSecond / Math.max(1, c.requestsPerSecond),
  };
  console.log("| target | req/s | p50 ms | p99 ms | non-2xx | errors |\n|---|---:|---:|---:|---:|---:|");
  for (const r of results) {
    console.log(
      `| ${r.target} | ${r.requestsPerSecond} | ${r.p50Ms} | ${r.p99Ms} | ${r.non2xx} | ${r.errors} |`,
    );
  }
  console.log(
    `\nreceiver / bare: ${(ratios.receiverVsBare * 100).toFixed(0)} % (target ≥ 50 %), receiver / prism: ${ratios.receiverVsPrism.toFixed(1)}× (target ≥ 5×), receiver p99 ${b.p99Ms} ms (target < 50 ms)`,
  );
  console.log(
    `processing: ${backlog} deliveries were still queued when the load stopped (processing yields to ingestion); all processed ${backlogSeconds.toFixed(1)} s later`,
  );
  console.log(
    `durability: every 202 follows a committed, fsynced SQLite transaction (WAL, synchronous=FULL); concurrent deliveries share a commit. Last stored delivery id: ${stored.deliveries[0]?.id ?? "none"}.`,
  );
  const out = resolve(here, "results", "throughput.json");
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(
    out,
    `${JSON.stringify({ date: new Date().toISOString(), node: process.version, cpu: cpus()[0]?.model, cores: cpus().length, duration, connections, results, ratios, backlog, backlogSeconds }, null, 2)}\n`,
  );
  console.log("results: bench/results/throughput.json");
} finally {
  for (const child of children) child.kill("SIGTERM");
  rmSync(work, { recursive: true, force: true });
}
