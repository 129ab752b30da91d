// `npm run bench -w @meeting-webhooks/drift`: generates 100,000 captured deliveries of both Meeting BaaS channels
// (every example, 1 in 20 with drift: a new property, a new status code, a missing field, another type) as JSON Lines
// in a temporary folder, runs the whole `drift` loop on them (read, analyse, propose, classify) and prints the time.
// The folder is removed afterwards; results go to bench/results/drift.json. Not a test: numbers depend on the machine.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { specsDir } from "@meeting-webhooks/specs";
import { DriftAnalyser, openCaptures, reportOf } from "../src/index.js";

const args = process.argv.slice(2);
if (args.includes("--help") || args.includes("-h")) {
  console.log(`drift.bench: the drift loop over generated captures.

Usage: npm run bench -w @meeting-webhooks/drift [-- --count <n>]

  --count <n>   how many captures (default 100000)
Writes bench/results/drift.json.`);
  process.exit(0);
}
const countIndex = args.indexOf("--count");
const count = countIndex >= 0 ? Number(args[countIndex + 1]) : 100_000;
const here = dirname(fileURLToPath(import.meta.url));

// biome-ignore lint/suspicious/noExplicitAny: captures are edited freely
type Json = Record<string, any>;

const examplesDir = join(specsDir, "meetingbaas", "examples");
const examples = readdirSync(examplesDir)
  .filter((name) => name.endsWith(".json"))
  .map((name) => JSON.parse(readFileSync(join(examplesDir, name), "utf8")) as Json);

function withDrift(body: Json, i: number): Json {
  const copy = structuredClone(body);
  const data = copy.data ?? {};
  switch (i % 4) {
    case 0:
      data.region = "eu-west-1";
      break;
    case 1:
      if (data.status) data.status.code = "recording_uploading";
      else data.attempt = 2;
      break;
    case 2:
      delete data.sent_at;
      break;
    default:
      if ("bot_id" in data) data.bot_id = 42;
  }
  return copy;
}

const folder = mkdtempSync(join(tmpdir(), "meeting-webhooks-drift-bench-"));
try {
  const perFile = 10_000;
  const generated = process.hrtime.bigint();
  for (let file = 0; file * perFile < count; file++) {
    const lines: string[] = [];
    for (let i = file * perFile; i < Math.min(count, (file + 1) * perFile); i++) {
      const body = examples[i % examples.length] as Json;
      lines.push(JSON.stringify(i % 20 === 0 ? withDrift(body, i / 20) : body));
    }
    writeFileSync(join(folder, `captures-${String(file).padStart(3, "0")}.jsonl`), `${lines.join("\n")}\n`);
  }
  const generateMs = Number(process.hrtime.bigint() - generated) / 1e6;

  const start = process.hrtime.bigint();
  const analyser = new DriftAnalyser("meetingbaas");
  for await (const capture of openCaptures(folder, { provider: "meetingbaas" })) analyser.add(capture);
  const analysed = process.hrtime.bigint();
  const report = await reportOf(analyser);
  const end = process.hrtime.bigint();

  const result = {
    captures: report.analysis.deliveries,
    findings: report.analysis.findings,
    proposedFiles: report.proposal.files.length,
    readAndAnalyseMs: Math.round(Number(analysed - start) / 1e6),
    proposeAndClassifyMs: Math.round(Number(end - analysed) / 1e6),
    totalMs: Math.round(Number(end - start) / 1e6),
    generateMs: Math.round(generateMs),
    node: process.version,
    cpu: cpus()[0]?.model ?? "unknown",
    at: new Date().toISOString(),
  };
  console.table(result);
  mkdirSync(join(here, "results"), { recursive: true });
  writeFileSync(join(here, "results", "drift.json"), `${JSON.stringify(result, null, 2)}\n`);
} finally {
  rmSync(folder, { recursive: true, force: true });
}
