// Runs the inbox README's Express example inside the consumer smoke test's scratch project (copied there by
// scripts/consumer-smoke.mjs, beside a webhooks.ts of the test's own whose handler records each run): the app on
// 127.0.0.1 with a SQLite file, signed deliveries with duplicates and one whose handler fails twice, a SIGKILL of the
// app mid-run and a restart. Then, from the SQLite file and the handler's record: every acknowledged delivery
// handled, none run again once its success was recorded (only runs cut short by the kill, or failed, came before
// another), each meeting's deliveries in order, duplicates answered as such and stored once.
// Arguments: tsx's loader (a file URL), the app's folder, its server file.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { buildDelivery, devSecrets, meetingbaas } from "@meeting-webhooks/mocks";
import Database from "better-sqlite3";

const [tsx, dir, server] = process.argv.slice(2);
const runsFile = join(dir, "runs.jsonl");
const database = join(dir, "inbox.db");
const meetings = 8;
const steps = 15;

async function freePort() {
  const probe = createServer().listen(0, "127.0.0.1");
  await once(probe, "listening");
  const { port } = probe.address();
  probe.close();
  await once(probe, "close");
  return port;
}

const port = await freePort();
const base = `http://127.0.0.1:${port}`;

async function start() {
  const child = spawn(process.execPath, ["--import", tsx, server], {
    cwd: dir,
    env: {
      ...process.env,
      PORT: String(port),
      RUNS_FILE: runsFile,
      MEETINGBAAS_WEBHOOK_SECRET: devSecrets.meetingBaasWebhook,
      TSX_DISABLE_CACHE: "1",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  for (let i = 0; i < 400; i++) {
    if (child.exitCode !== null) throw new Error(`${server} exited:\n${output}`);
    try {
      await fetch(base);
      return { child, output: () => output };
    } catch {
      await new Promise((done) => setTimeout(done, 25));
    }
  }
  throw new Error(`${server} did not listen on ${base}:\n${output}`);
}

async function stop(app, signal) {
  if (app.child.exitCode !== null || app.child.signalCode !== null) return;
  app.child.kill(signal);
  await once(app.child, "exit");
}

const botId = (bot) => `00000000-0000-4000-8000-${String(bot).padStart(12, "0")}`;
async function delivery(id, bot, step) {
  const payload = meetingbaas.botStatusChange({ data: { bot_id: botId(bot) } }, { seed: step + 1 });
  return buildDelivery(payload, {
    provider: "meetingbaas",
    channel: "webhook",
    url: `${base}/webhooks/meetingbaas`,
    secret: devSecrets.meetingBaasWebhook,
    id,
  });
}

/** The answer's JSON, or undefined when the app did not answer 202 (down: not acknowledged). */
async function post(d) {
  try {
    const response = await fetch(d.url, { method: d.method, headers: d.headers, body: d.body });
    const answer = await response.json().catch(() => undefined);
    return response.status === 202 ? answer : undefined;
  } catch {
    return undefined;
  }
}

let app = await start();
const first = app;
const acknowledged = new Set();
let duplicates = 0;
const problems = [];
// Like a provider: a meeting's next delivery only once this one was acknowledged, retried until it is.
async function sender(bot) {
  for (let step = 0; step < steps; step++) {
    const id = bot === 0 && step === 3 ? "msg_consumer_flaky" : `msg_consumer_${bot}_${step}`;
    const d = await delivery(id, bot, step);
    let answer = await post(d);
    while (!answer) {
      await new Promise((done) => setTimeout(done, 50));
      answer = await post(d);
    }
    acknowledged.add(`meetingbaas:webhook:${id}`);
    if (step % 5 === 0) {
      const again = await post(d);
      if (again && again.duplicate === true && again.deliveryId === answer.deliveryId) duplicates++;
      else if (again) problems.push(`a duplicate of ${id} was answered ${JSON.stringify(again)}`);
    }
  }
}
const senders = Array.from({ length: meetings }, (_, bot) => sender(bot));
while (acknowledged.size < 50) await new Promise((done) => setTimeout(done, 5));
await stop(first, "SIGKILL");
app = await start();
await Promise.all(senders);

const db = new Database(database, { readonly: true });
let rows = [];
// Up to 60 s: what the killed process held (running or claimed ahead) waits out the default 30 s lease, then its
// meeting's later deliveries run, the one that fails twice after two backoffs (about 1 s and 2 s).
for (let i = 0; i < 1200; i++) {
  const waiting = db.prepare("SELECT count(*) AS n FROM inbox_queue").get().n;
  rows = db
    .prepare("SELECT id, delivery_key, subject, outcome, attempts, finished_at FROM inbox_deliveries")
    .all();
  if (waiting === 0 && rows.length >= acknowledged.size) break;
  await new Promise((done) => setTimeout(done, 50));
}
db.close();
await stop(app, "SIGTERM");

const runs = existsSync(runsFile)
  ? readFileSync(runsFile, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line))
  : [];
const byKey = new Map(rows.map((row) => [row.delivery_key, row]));
for (const key of acknowledged) {
  const row = byKey.get(key);
  if (row?.outcome !== "handled")
    problems.push(`${key} was acknowledged but is ${row?.outcome ?? "not stored"}`);
}
const starts = runs.filter((r) => r.start !== undefined);
const ended = new Set(
  runs.filter((r) => r.end !== undefined || r.failed !== undefined).map((r) => `${r.id}:${r.attempt}`),
);
const cutShort = starts.filter((r) => r.pid === first.child.pid && !ended.has(`${r.id}:${r.attempt}`));
const failed = new Set(runs.filter((r) => r.failed !== undefined).map((r) => `${r.id}:${r.attempt}`));
for (const row of rows) {
  const own = starts.filter((r) => r.id === String(row.id)).sort((a, b) => a.start - b.start);
  for (const run of own)
    if (row.finished_at !== null && run.start > row.finished_at)
      problems.push(`${row.id} ran after its success was recorded`);
  for (const run of own.slice(0, -1))
    if (run.pid !== first.child.pid && !failed.has(`${run.id}:${run.attempt}`))
      problems.push(`${row.id} ran again after a run that neither failed nor was cut short by the kill`);
}
const bySubject = new Map();
for (const row of rows) bySubject.set(row.subject, [...(bySubject.get(row.subject) ?? []), row]);
for (const list of bySubject.values()) {
  list.sort((a, b) => a.id - b.id);
  for (let i = 1; i < list.length; i++)
    for (const run of starts.filter((r) => r.id === String(list[i].id)))
      if (run.start < list[i - 1].finished_at)
        problems.push(`${list[i].id} started before ${list[i - 1].id} was handled`);
}
const flaky = byKey.get("meetingbaas:webhook:msg_consumer_flaky");
if (flaky?.attempts !== 3) problems.push(`the handler that fails twice took ${flaky?.attempts} runs, not 3`);
if (duplicates === 0) problems.push("no duplicate was answered `duplicate: true`");
if (cutShort.length === 0) problems.push("the SIGKILL landed between runs: no run was cut short");
if (rows.length !== acknowledged.size)
  problems.push(`${rows.length} rows stored for ${acknowledged.size} keys`);
if (problems.length > 0) {
  console.error(
    `${server}: ${problems.length} problem(s):\n  ${problems.slice(0, 20).join("\n  ")}\n${app.output()}`,
  );
  process.exit(1);
}
console.log(
  `${server}: ${acknowledged.size} deliveries acknowledged (${duplicates} duplicates answered as such), SIGKILL with ${cutShort.length} run(s) in flight, all handled after the restart in order per meeting, the failing one on its 3rd run`,
);
