// `npm run bench -w @meeting-webhooks/cli`: times `meeting-webhooks upstream` on the pinned 944 KB openapi-v2.json as a
// user meets it, a cold process each time (start Node, load the command, read and resolve the document, compare),
// and prints min/median/max against the 2 s target. Results go to bench/results/upstream.json (never committed).
// Not a test: the numbers depend on the machine. Needs the built CLI (`npm run build -w @meeting-webhooks/cli`).
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const args = process.argv.slice(2);
if (args.includes("--help") || args.includes("-h")) {
  console.log(`cli.bench: meeting-webhooks upstream on the pinned openapi-v2.json, cold processes.

Usage: npm run bench -w @meeting-webhooks/cli [-- --runs <n>]

  --runs <n>   how many processes (default 5)
The document: MEETINGBAAS_OPENAPI_V2, else ../shared/reference/meetingbaas-docs/openapi-v2.json beside the repository.
Writes bench/results/upstream.json.`);
  process.exit(0);
}
const runsIndex = args.indexOf("--runs");
const runs = runsIndex >= 0 ? Number(args[runsIndex + 1]) : 5;
const targetMs = 2000;

const here = dirname(fileURLToPath(import.meta.url));
const bin = resolve(here, "..", "bin", "meeting-webhooks.js");
const document =
  process.env.MEETINGBAAS_OPENAPI_V2 ??
  resolve(here, "..", "..", "..", "..", "shared/reference/meetingbaas-docs/openapi-v2.json");

if (!existsSync(document)) {
  console.log(
    `[skip] cli.bench: no pinned openapi-v2.json at ${document}; set MEETINGBAAS_OPENAPI_V2 to a copy.`,
  );
  process.exit(0);
}
if (!existsSync(resolve(here, "..", "dist", "commands", "upstream.js"))) {
  console.error("cli.bench: the CLI is not built; run `npm run build -w @meeting-webhooks/cli` first.");
  process.exit(2);
}

const run = promisify(execFile);
const times: number[] = [];
let summary = "";
for (let i = 0; i < runs; i++) {
  const start = process.hrtime.bigint();
  const outcome = await run(process.execPath, [bin, "upstream", "--provider", "meetingbaas", document]).catch(
    (error: { code: number; stdout: string }) => {
      // Exit 1 (findings) still measures the whole check; anything else is a broken run.
      if (error.code !== 1) throw error;
      return error;
    },
  );
  times.push(Number(process.hrtime.bigint() - start) / 1e6);
  summary = outcome.stdout.split("\n")[0] ?? "";
}
const sorted = [...times].sort((a, b) => a - b);
const median = sorted[Math.floor(sorted.length / 2)] as number;
const result = {
  command: "meeting-webhooks upstream --provider meetingbaas openapi-v2.json",
  runs,
  minMs: Math.round(sorted[0] as number),
  medianMs: Math.round(median),
  maxMs: Math.round(sorted[sorted.length - 1] as number),
  targetMs,
  medianToTarget: Number((median / targetMs).toFixed(2)),
  report: summary,
  node: process.version,
  cpu: cpus()[0]?.model ?? "unknown",
  cores: cpus().length,
  at: new Date().toISOString(),
};
console.table(result);
console.log(
  `upstream: median ${result.medianMs} ms (min ${result.minMs}, max ${result.maxMs}) = ${result.medianToTarget} × the ` +
    `${targetMs} ms target: ${median <= targetMs ? "within" : "OVER"} target`,
);
mkdirSync(join(here, "results"), { recursive: true });
writeFileSync(join(here, "results", "upstream.json"), `${JSON.stringify(result, null, 2)}\n`);
