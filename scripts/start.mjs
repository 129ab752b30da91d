#!/usr/bin/env node
// `npm start`: build what is needed, start the sample receiver (with in-process provider mocks for its downloads)
// and the Prism provider mocks, print where everything is and a ready-to-paste `send` line. Ctrl-C stops all.
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
if (args.includes("--help") || args.includes("-h")) {
  console.log(`npm start [-- --no-docs] [-- --no-mocks]

Builds the receiver, the CLI, the mocks and the docs site (turbo; cached after the first run), then starts:
  - the sample receiver on PORT (default 3000), SQLite at DATABASE_PATH (default apps/receiver/data/receiver.db),
    in development mode with generated secrets unless CRONOFY_CLIENT_SECRETS, MEETINGBAAS_CALLBACK_SECRETS and
    MEETINGBAAS_WEBHOOK_SECRET are set; provider downloads are answered by the MSW mocks in-process
  - the Prism provider mocks (meeting-webhooks mock) on their loopback ports
Ctrl-C stops everything.

  --no-docs    do not build the docs site
  --no-mocks   do not start the Prism provider mocks`);
  process.exit(0);
}
const quietEnv = {
  ...process.env,
  TURBO_TELEMETRY_DISABLED: "1",
  DO_NOT_TRACK: "1",
  REDOCLY_TELEMETRY: "off",
  REDOCLY_SUPPRESS_UPDATE_NOTICE: "true",
  SCARF_ANALYTICS: "false",
  PUPPETEER_SKIP_DOWNLOAD: "1",
};

const filters = ["@meeting-webhooks/receiver", "@meeting-webhooks/cli", "@meeting-webhooks/mocks"];
if (!args.includes("--no-docs")) filters.push("@meeting-webhooks/docs");
console.log(`[start] building ${filters.join(", ")} (turbo, cached after the first run)…`);
const build = spawnSync(
  process.execPath,
  [
    join(root, "node_modules", "turbo", "bin", "turbo"),
    "run",
    "build",
    "--output-logs=errors-only",
    ...filters.map((f) => `--filter=${f}`),
  ],
  { cwd: root, stdio: "inherit", env: quietEnv },
);
if (build.status !== 0) {
  console.error("[start] the build failed; see above.");
  process.exit(build.status ?? 1);
}

const children = [];
let stopping = false;
function stopAll(code = 0) {
  if (stopping) return;
  stopping = true;
  console.log("\n[start] stopping…");
  for (const child of children) if (child.exitCode === null) child.kill("SIGTERM");
  const deadline = setTimeout(() => {
    for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
    process.exit(code);
  }, 5000);
  deadline.unref();
  Promise.all(
    children.map((child) => (child.exitCode === null ? new Promise((r) => child.once("exit", r)) : null)),
  ).then(() => process.exit(code));
}
process.on("SIGINT", () => stopAll(0));
process.on("SIGTERM", () => stopAll(0));

const receiverDir = join(root, "apps", "receiver");
const port = process.env.PORT || "3000";
const receiver = spawn(process.execPath, [join(receiverDir, "dist", "main.js")], {
  cwd: receiverDir,
  env: { ...quietEnv, PORT: port, MOCK_PROVIDERS: process.env.MOCK_PROVIDERS ?? "msw" },
  stdio: ["ignore", "inherit", "inherit", "ipc"],
});
children.push(receiver);
receiver.on("exit", (code) => {
  if (!stopping) {
    console.error(`[start] the receiver exited (${code}); stopping.`);
    stopAll(code ?? 1);
  }
});

if (!args.includes("--no-mocks")) {
  const mock = spawn(
    process.execPath,
    [join(root, "packages", "cli", "bin", "meeting-webhooks.js"), "mock", "--only", "cronofy,meetingbaas"],
    {
      cwd: root,
      env: quietEnv,
      stdio: ["ignore", "inherit", "inherit"],
    },
  );
  children.push(mock);
  mock.on("exit", (code) => {
    if (!stopping && code !== 0)
      console.error(`[start] the Prism mocks exited (${code}); the receiver keeps running.`);
  });
}

receiver.on("message", (message) => {
  if (!message?.ready) return;
  const url = message.ready;
  // Without configured secrets the receiver runs on the development secrets that `send` uses by default.
  const secretOption = (name) => {
    const value = process.env[name]?.split(",")[0];
    return value ? ` --secret ${value}` : "";
  };
  const docs = existsSync(join(root, "apps", "docs", "dist", "index.html"));
  console.log(`
[start] ready
  dashboard  ${url}/
  docs       ${docs ? `${url}/docs/` : "not built (npm run docs)"}
  API        ${url}/api/meetings  ${url}/api/deliveries  ${url}/healthz

  send a signed delivery (in another terminal):
    npx meeting-webhooks send --provider meetingbaas --event bot.completed${secretOption("MEETINGBAAS_WEBHOOK_SECRET")} --to ${url}/webhooks/meetingbaas
    npx meeting-webhooks send --provider cronofy --event meeting_agent_complete${secretOption("CRONOFY_CLIENT_SECRETS")} --to ${url}/webhooks/cronofy
    npx meeting-webhooks send --provider meetingbaas --event bot.status_change --count 200 --duplicates 0.3 --shuffle --concurrency 8${secretOption("MEETINGBAAS_WEBHOOK_SECRET")} --to ${url}/webhooks/meetingbaas

  Ctrl-C stops everything.`);
});
