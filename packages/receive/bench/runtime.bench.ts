// `npm run bench -w @meeting-webhooks/receive`: per event type, measured side by side in one run,
// - validation (generated validators, strict pass then lenient) against JSON.parse of the same bytes (target ≤ 1×);
// - verification against one bare crypto.createHmac over the same body (target ≤ 1.3×), and, for Svix, against the
//   Standard Webhooks library as published.
// Prints a table and writes bench/results/runtime.json. Not a test: numbers depend on the machine.
import { createHmac } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { loadWebhooks, providers, readJson } from "@meeting-webhooks/specs";
import { Webhook } from "standardwebhooks";
import {
  createCronofyVerifier,
  createMeetingBaasCallbackVerifier,
  createStandardWebhookVerifier,
  validateEnvelope,
  validateSchema,
} from "../src/index.js";

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
if (args.includes("--help") || args.includes("-h")) {
  console.log(`runtime.bench: validation vs JSON.parse and verification vs createHmac, per event type.

Usage: npm run bench -w @meeting-webhooks/receive [-- --quick]

  --quick   fewer rounds (a smoke run, numbers are noisier)
Writes bench/results/runtime.json.`);
  process.exit(0);
}
const rounds = args.includes("--quick") ? 3 : 15;
const targetMs = args.includes("--quick") ? 20 : 60;

/** Nanoseconds per call: calibrate an iteration count, then take the median over interleaved rounds. */
function measureAll(candidates: Record<string, () => unknown>): Record<string, number> {
  const iterations: Record<string, number> = {};
  for (const [name, fn] of Object.entries(candidates)) {
    let n = 64;
    for (;;) {
      const start = process.hrtime.bigint();
      for (let i = 0; i < n; i++) fn();
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (ms > targetMs / 4 || n > 1 << 22) break;
      n *= 2;
    }
    iterations[name] = n;
  }
  const samples: Record<string, number[]> = Object.fromEntries(Object.keys(candidates).map((k) => [k, []]));
  for (let round = 0; round < rounds; round++) {
    for (const [name, fn] of Object.entries(candidates)) {
      const n = iterations[name] as number;
      const start = process.hrtime.bigint();
      for (let i = 0; i < n; i++) fn();
      samples[name]?.push(Number(process.hrtime.bigint() - start) / n);
    }
  }
  return Object.fromEntries(
    Object.entries(samples).map(([name, values]) => {
      const sorted = [...values].sort((a, b) => a - b);
      return [name, sorted[Math.floor(sorted.length / 2)] as number];
    }),
  );
}

const cronofySecret = "cronofy-client-secret-0123456789abcdef";
const callbackSecret = "mb-callback-secret-0123456789";
const whsec = `whsec_${Buffer.from("meeting-webhooks-bench-signing-key!").toString("base64")}`;
const library = new Webhook(whsec);

interface Row {
  provider: string;
  channel: string;
  event: string;
  bytes: number;
  jsonParseNs: number;
  validateNs: number;
  validateRatio: number;
  hmacNs: number;
  verifyNs: number;
  verifyRatio: number;
  libraryVerifyNs?: number;
}

const rows: Row[] = [];
for (const provider of providers) {
  for (const webhook of loadWebhooks(provider)) {
    const example = webhook.examples[0];
    if (!example) continue;
    const text = JSON.stringify(readJson(example));
    const bytes = Buffer.from(text);
    const parsed = JSON.parse(text);
    const outcome = validateSchema(webhook.schemaPath, parsed);
    if (!outcome.valid) throw new Error(`${example} is not valid`);
    let verify: () => unknown;
    let libraryVerify: (() => unknown) | undefined;
    if (provider === "cronofy") {
      const headers = {
        "cronofy-hmac-sha256": createHmac("sha256", cronofySecret).update(bytes).digest("base64"),
      };
      const verifier = createCronofyVerifier(cronofySecret); // built once, as a receiver does
      verify = () => verifier(bytes, headers);
    } else if (webhook.channel === "callback") {
      const headers = { "x-mb-secret": callbackSecret };
      const verifier = createMeetingBaasCallbackVerifier(callbackSecret);
      verify = () => verifier(headers);
    } else {
      const now = new Date();
      const timestamp = String(Math.floor(now.getTime() / 1000));
      const signature = library.sign("msg_bench", now, text);
      const headers = { "svix-id": "msg_bench", "svix-timestamp": timestamp, "svix-signature": signature };
      const verifier = createStandardWebhookVerifier({ secrets: whsec });
      verify = () => verifier(bytes, headers);
      const libraryHeaders = {
        "webhook-id": "msg_bench",
        "webhook-timestamp": timestamp,
        "webhook-signature": signature,
      };
      libraryVerify = () => library.verify(text, libraryHeaders, { jsonParse: false });
    }
    for (const fn of [verify, libraryVerify]) {
      const result = fn?.() as { ok?: boolean } | undefined;
      if (result && result.ok === false) throw new Error(`bench delivery for ${webhook.key} does not verify`);
    }
    const measured = measureAll({
      jsonParse: () => JSON.parse(text),
      // What a receiver runs: the channel's envelope, then the event's schema.
      validate: () => {
        validateEnvelope(provider, webhook.channel, parsed);
        return validateSchema(webhook.schemaPath, parsed);
      },
      hmac: () => createHmac("sha256", cronofySecret).update(bytes).digest(),
      verify,
      ...(libraryVerify ? { libraryVerify } : {}),
    });
    const row: Row = {
      provider,
      channel: webhook.channel,
      event: webhook.event,
      bytes: bytes.length,
      jsonParseNs: Math.round(measured.jsonParse as number),
      validateNs: Math.round(measured.validate as number),
      validateRatio: (measured.validate as number) / (measured.jsonParse as number),
      hmacNs: Math.round(measured.hmac as number),
      verifyNs: Math.round(measured.verify as number),
      verifyRatio: (measured.verify as number) / (measured.hmac as number),
      ...(measured.libraryVerify ? { libraryVerifyNs: Math.round(measured.libraryVerify) } : {}),
    };
    rows.push(row);
    process.stderr.write(`measured ${provider} ${webhook.key}\n`);
  }
}

const fmt = (ns: number) => `${(ns / 1000).toFixed(2)} µs`;
const table = [
  "| provider | channel | event | bytes | JSON.parse | validate | ratio (≤1) | createHmac | verify | ratio (≤1.3) | std-webhooks lib |",
  "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
  ...rows.map(
    (r) =>
      `| ${r.provider} | ${r.channel} | ${r.event} | ${r.bytes} | ${fmt(r.jsonParseNs)} | ${fmt(r.validateNs)} | ${r.validateRatio.toFixed(2)}× | ${fmt(r.hmacNs)} | ${fmt(r.verifyNs)} | ${r.verifyRatio.toFixed(2)}× | ${r.libraryVerifyNs ? `${fmt(r.libraryVerifyNs)} (${(r.libraryVerifyNs / r.hmacNs).toFixed(2)}×)` : "–"} |`,
  ),
];
console.log(table.join("\n"));
const worst = {
  validateRatio: Math.max(...rows.map((r) => r.validateRatio)),
  verifyRatio: Math.max(...rows.map((r) => r.verifyRatio)),
};
console.log(
  `\nworst validate/JSON.parse: ${worst.validateRatio.toFixed(2)}× (target ≤ 1), worst verify/createHmac: ${worst.verifyRatio.toFixed(2)}× (target ≤ 1.3)`,
);
const out = resolve(here, "results", "runtime.json");
mkdirSync(dirname(out), { recursive: true });
writeFileSync(
  out,
  `${JSON.stringify({ date: new Date().toISOString(), node: process.version, cpu: cpus()[0]?.model, rounds, rows, worst }, null, 2)}\n`,
);
console.log(`results: ${join("bench", "results", "runtime.json")}`);
