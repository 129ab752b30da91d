#!/usr/bin/env node
// The consumer smoke test (part of `npm test`): pack every publishable package, install the tarballs into a fresh
// scratch project (from the local tarballs and npm's cache of registry packages), and use them from there as a team
// would: type-check a file importing every public entry, run the CLI, run a vitest test with the MSW handlers, and
// check the type exports with @arethetypeswrong/cli, and run the README's framework snippets (Express, Fastify, Hono,
// Next.js) against real servers, the inbox README's Express block through a SIGKILL and a restart, then the README's CI
// conformance command lines against the Express snippet and the sample receiver. Catches missing files, wrong exports
// and leaked dev deps. It runs on the Node.js that runs it (scripts/node-matrix.mjs runs it on the other tested
// versions).
import { execFileSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const started = Date.now();
if (process.argv.includes("--help") || process.argv.includes("-h")) {
  console.log(
    "node scripts/consumer-smoke.mjs [--keep] [--runtime-only]\n\nPacks the publishable packages, installs them into a scratch project and uses them.\n  --keep          keep the scratch project and print where it is\n  --runtime-only  skip the checks that do not depend on the Node.js version (attw, tsc); for scripts/node-matrix.mjs",
  );
  process.exit(0);
}
const keep = process.argv.includes("--keep");
const runtimeOnly = process.argv.includes("--runtime-only");
const bin = (name) => join(root, "node_modules", ".bin", name);
const step = (message) => console.log(`[consumer-smoke] ${message}`);
const run = (command, args, cwd, extra = {}) =>
  execFileSync(command, args, {
    cwd,
    stdio: ["ignore", "pipe", "pipe"],
    encoding: "utf8",
    env: { ...process.env, npm_config_fund: "false", npm_config_audit: "false", ...extra },
  });

/** Publishable = not private. Read from the workspaces, so a new package is covered with no edit here. */
const packages = ["specs", ...readdirSync(join(root, "packages")).map((name) => `packages/${name}`)]
  .map((dir) => ({
    dir: join(root, dir),
    manifest: JSON.parse(readFileSync(join(root, dir, "package.json"), "utf8")),
  }))
  .filter(({ manifest }) => !manifest.private);

/** The README's fenced blocks whose info string names a file: ```ts title=app/api/webhooks/[...path]/route.ts */
function readmeSnippets() {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  return [...readme.matchAll(/^```ts title=(\S+)\n([\s\S]*?)^```$/gm)].map(([, path, code]) => ({
    path,
    code,
  }));
}

/** README blocks are type-checked as a Next.js or tsx project would: bundler resolution, `paths` for `@/`. */
function snippetTsconfig(include, paths) {
  return JSON.stringify({
    compilerOptions: {
      module: "Preserve",
      moduleResolution: "Bundler",
      target: "ES2022",
      strict: true,
      noEmit: true,
      types: ["node"],
      ...(paths ? { paths } : {}),
    },
    include,
  });
}

/**
 * The command lines of the README's "Test your endpoint in CI" blocks (GitHub Actions, GitLab CI), as written there:
 * scripts/consumer-frameworks.mjs runs them against the Express snippet and the sample receiver. The two blocks are
 * meant to run the same commands; each must have one per route.
 */
function conformanceCommandLines() {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const section = /^## Test your endpoint in CI\n([\s\S]*?)^## /m.exec(readme)?.[1] ?? "";
  const blocks = [...section.matchAll(/^```yaml title=(\S+)\n([\s\S]*?)^```$/gm)].map(([, path, yaml]) => ({
    path,
    lines: [...yaml.matchAll(/^\s*(?:- )?(?:run: )?(npx meeting-webhooks conformance .*)$/gm)].map((m) =>
      m[1].trim(),
    ),
  }));
  if (blocks.length !== 2 || blocks.some(({ lines }) => lines.length < 3))
    throw new Error(
      `README.md "Test your endpoint in CI": expected two CI blocks with a conformance line per route, found ${JSON.stringify(blocks)}`,
    );
  return [...new Set(blocks.flatMap(({ lines }) => lines))];
}

/**
 * The README's "Receive in your framework" blocks, as written there: type-checked as a Next.js or tsx project would
 * (bundler resolution, `@/` for the project root), then run by scripts/consumer-frameworks.mjs.
 */
function runReadmeSnippets(project) {
  const snippets = readmeSnippets();
  const route = snippets.find(({ path }) => path.endsWith("/route.ts"))?.path;
  const servers = snippets.map(({ path }) => path).filter((path) => path !== route && path !== "webhooks.ts");
  if (!route || servers.length < 3 || !snippets.some(({ path }) => path === "webhooks.ts"))
    throw new Error(
      `README.md: expected webhooks.ts, three servers and a route.ts, found ${snippets.map((s) => s.path)}`,
    );
  step(`type-checking and running the README's snippets: ${snippets.map(({ path }) => path).join(", ")}`);
  for (const { path, code } of snippets) {
    mkdirSync(dirname(join(project, path)), { recursive: true });
    writeFileSync(join(project, path), code);
  }
  writeFileSync(
    join(project, "tsconfig.json"),
    snippetTsconfig(
      snippets.map(({ path }) => path),
      { "@/*": ["./*"] },
    ),
  );
  if (!runtimeOnly) run(bin("tsc"), ["-p", "tsconfig.json"], project);
  copyFileSync(join(root, "scripts", "consumer-frameworks.mjs"), join(project, "frameworks.mjs"));
  const commandLines = conformanceCommandLines();
  writeFileSync(join(project, "conformance-commands.json"), JSON.stringify(commandLines));
  const express = snippets.find(({ code }) => /from "express"/.test(code))?.path;
  if (!express) throw new Error("README.md: no Express snippet for the conformance runs");
  // The sample receiver loads better-sqlite3, built for the Node.js of `npm ci` only: not on the other versions.
  const receiver = join(root, "apps", "receiver", "dist", "main.js");
  if (!runtimeOnly && !existsSync(receiver))
    throw new Error(`${receiver} is missing: \`npm run build\` builds the sample receiver`);
  step(
    `running the README's CI command lines (${commandLines.length}) against ${express}${runtimeOnly ? "" : " and the sample receiver"}`,
  );
  // tsx as a loader (`node --import`), not its CLI, which leaves a tsx-<uid> folder in TMPDIR.
  const tsx = pathToFileURL(join(root, "node_modules", "tsx", "dist", "loader.mjs")).href;
  const output = run(
    process.execPath,
    [
      ...["--import", tsx, "frameworks.mjs", tsx, ...servers, "--route", route],
      ...["--conformance", "conformance-commands.json", "--express", express],
      ...(runtimeOnly ? [] : ["--receiver", receiver]),
    ],
    project,
  );
  for (const line of output.trim().split("\n")) step(`  ${line}`);
}

/**
 * The inbox README's Express block, run as written with a SQLite file beside a webhooks.ts of this test's own (its
 * handler records each run and fails twice for one delivery), by scripts/consumer-inbox.mjs: duplicates, a SIGKILL
 * mid-run and a restart. better-sqlite3 is the workspace's own build for the Node.js of `npm ci`, linked in (the
 * registry has no prebuilt binary to fetch here and compiling it again takes minutes): like the inbox's own tests,
 * this runs on that Node.js only.
 */
function runInboxExample(project) {
  if (runtimeOnly) {
    step(
      "the inbox example runs on the Node.js of npm ci only (better-sqlite3 is a native addon built for it)",
    );
    return;
  }
  const readme = readFileSync(join(root, "packages", "inbox", "README.md"), "utf8");
  const block = readme.match(/^```ts title=inbox-express\.ts\n([\s\S]*?)^```$/m)?.[1];
  if (!block) throw new Error("packages/inbox/README.md: no ```ts title=inbox-express.ts block");
  const app = join(project, "inbox-app");
  mkdirSync(app);
  writeFileSync(join(app, "server.ts"), block);
  writeFileSync(
    join(app, "webhooks.ts"),
    `import { appendFileSync } from "node:fs";
import { createMeetingWebhooks } from "@meeting-webhooks/receive";

const record = (line: object) => appendFileSync(process.env.RUNS_FILE ?? "runs.jsonl", \`\${JSON.stringify(line)}\\n\`);
export const webhooks = createMeetingWebhooks({
  meetingbaas: { webhookSecret: process.env.MEETINGBAAS_WEBHOOK_SECRET ?? "" },
}).onAny(async (event) => {
  const run = { id: event.deliveryId, attempt: event.attempt, pid: process.pid };
  record({ ...run, start: Date.now() });
  await new Promise((done) => setTimeout(done, 20));
  if (event.deliveryKey.endsWith("_flaky") && (event.attempt ?? 1) <= 2) {
    record({ ...run, failed: Date.now() });
    throw new Error("fails on its first two runs");
  }
  record({ ...run, end: Date.now() });
});
`,
  );
  symlinkSync(join(root, "node_modules", "better-sqlite3"), join(project, "node_modules", "better-sqlite3"));
  writeFileSync(join(app, "tsconfig.json"), snippetTsconfig(["server.ts", "webhooks.ts"]));
  step("type-checking and running the inbox README's Express block (SQLite, SIGKILL mid-run, restart)");
  run(bin("tsc"), ["-p", "tsconfig.json"], app);
  copyFileSync(join(root, "scripts", "consumer-inbox.mjs"), join(project, "inbox-check.mjs"));
  const tsx = pathToFileURL(join(root, "node_modules", "tsx", "dist", "loader.mjs")).href;
  const output = run(process.execPath, ["inbox-check.mjs", tsx, app, "server.ts"], project);
  for (const line of output.trim().split("\n")) step(`  ${line}`);
}

const work = mkdtempSync(join(tmpdir(), "meeting-webhooks-consumer-"));
const tarballs = join(work, "tarballs");
const project = join(work, "project");
mkdirSync(tarballs);
mkdirSync(project);
let failed = false;
try {
  step(`packing ${packages.map((p) => p.manifest.name).join(", ")}`);
  const files = packages.map(({ dir }) => {
    const [packed] = JSON.parse(run("npm", ["pack", "--json", "--pack-destination", tarballs], dir));
    return join(tarballs, packed.filename);
  });

  if (!runtimeOnly) {
    step("checking type exports with @arethetypeswrong/cli (ESM-only profile)");
    for (const file of files) run(bin("attw"), ["--profile", "esm-only", "--format", "ascii", file], work);
  }

  writeFileSync(
    join(project, "package.json"),
    `${JSON.stringify({ name: "consumer", private: true, type: "module" }, null, 2)}\n`,
  );
  const rootManifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  // The frameworks of the README's snippets, at the versions the adapters are tested with.
  const receiveDev = JSON.parse(
    readFileSync(join(root, "packages/receive/package.json"), "utf8"),
  ).devDependencies;
  const frameworks = ["express", "@types/express", "fastify", "hono", "@hono/node-server"].map(
    (name) => `${name}@${receiveDev[name]}`,
  );
  const peers = ["msw@2.15.0", `@types/node@${rootManifest.devDependencies["@types/node"]}`, ...frameworks];
  step(`installing the tarballs and ${peers.join(", ")} into a scratch project (prefer-offline)`);
  run("npm", ["install", "--prefer-offline", "--no-package-lock", ...files, ...peers], project);

  step(
    runtimeOnly
      ? "writing a file that imports every public entry"
      : "type-checking a file that imports every public entry",
  );
  const entries = [];
  for (const { manifest } of packages) {
    for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
      if (subpath.includes("*") || subpath.endsWith("package.json") || typeof target !== "object") continue;
      entries.push(manifest.name + subpath.slice(1));
    }
  }
  const imports = entries.map((entry, i) => `import * as entry${i} from "${entry}";`).join("\n");
  writeFileSync(
    join(project, "check.ts"),
    `${imports}
import { parseMeetingBaasDelivery } from "@meeting-webhooks/receive";
import type { PayloadOf } from "@meeting-webhooks/types";
export const all = [${entries.map((_, i) => `entry${i}`).join(", ")}];
const result = parseMeetingBaasDelivery({ body: "{}", headers: {}, callbackSecrets: "s" });
export const duration: number | null | undefined =
  result.ok && result.event.known && result.event.name === "bot.completed"
    ? result.event.payload.data.duration_seconds
    : undefined;
export type Failed = PayloadOf<"bot.failed">["data"]["error_code"];
`,
  );
  writeFileSync(
    join(project, "tsconfig.check.json"),
    JSON.stringify({
      compilerOptions: {
        module: "NodeNext",
        moduleResolution: "NodeNext",
        target: "ES2022",
        strict: true,
        noEmit: true,
        skipLibCheck: false,
        types: ["node"],
      },
      include: ["check.ts"],
    }),
  );
  if (!runtimeOnly) run(bin("tsc"), ["-p", "tsconfig.check.json"], project);
  step(`  ${entries.length} entries: ${entries.join(", ")}`);

  step("running the installed CLI: --help and validate on an example");
  const cli = join(project, "node_modules", ".bin", "meeting-webhooks");
  if (!run(cli, ["--help"], project).includes("validate"))
    throw new Error("meeting-webhooks --help does not list validate");
  const example = join(
    project,
    "node_modules",
    "@meeting-webhooks",
    "specs",
    "meetingbaas",
    "examples",
    "bot.completed.json",
  );
  const validated = run(cli, ["validate", "--provider", "meetingbaas", example], project);
  if (!validated.startsWith("valid:")) throw new Error(`validate said: ${validated}`);

  if (packages.some(({ manifest }) => manifest.name === "@meeting-webhooks/mocks")) {
    step("running a vitest test that uses the MSW handlers");
    writeFileSync(
      join(project, "msw.test.ts"),
      `import { setupServer } from "msw/node";
import { createProviderMocks } from "@meeting-webhooks/mocks/msw";
import { meetingbaas } from "@meeting-webhooks/mocks";
import { expect, it } from "vitest";

it("fetches a transcription through the mocked signed URL", async () => {
  const mocks = createProviderMocks();
  const server = setupServer(...mocks.handlers);
  server.listen({ onUnhandledRequest: "error" });
  try {
    const completed = meetingbaas.botCompleted({}, { seed: 1 });
    const response = await fetch(completed.data.transcription as string);
    expect(response.status).toBe(200);
    const json = await response.json();
    expect(json.bot_id).toBe(completed.data.bot_id);
  } finally {
    server.close();
  }
});
`,
    );
    run(bin("vitest"), ["run", "--root", project, "msw.test.ts"], project);
  }
  runReadmeSnippets(project);
  runInboxExample(project);
  step(
    `ok: ${packages.length} packages installed from tarballs and used on Node.js ${process.versions.node} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
} catch (error) {
  failed = true;
  console.error(`[consumer-smoke] FAILED: ${error.message}`);
  if (error.stdout) console.error(error.stdout);
  if (error.stderr) console.error(error.stderr);
} finally {
  // Removed also on failure, like every test's temp folder; --keep is how to look inside.
  if (keep) console.log(`[consumer-smoke] scratch project kept at ${project}`);
  else {
    rmSync(work, { recursive: true, force: true });
    if (failed)
      console.error(
        "[consumer-smoke] rerun with `node scripts/consumer-smoke.mjs --keep` to keep the project",
      );
  }
}
process.exitCode = failed ? 1 : 0;
