// Runs the README's "Receive in your framework" snippets inside the consumer smoke test's scratch project (copied
// there and started with tsx by scripts/consumer-smoke.mjs): each server snippet is started on 127.0.0.1 and sent
// signed deliveries built by the installed @meeting-webhooks/mocks; the Next.js route handlers are called with a
// `Request`. Then the README's "Test your endpoint in CI" command lines run, as written, against the Express snippet
// and the sample receiver: every conformance scenario must pass. Arguments: tsx's loader (a file URL), the server
// snippet files, `--route <file>` for the Next.js route, `--conformance <file.json>` (the command lines),
// `--express <file>` (the snippet they grade) and `--receiver <main.js>` (the built sample receiver, optional).
import { execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { buildDelivery, cronofy, meetingbaas } from "@meeting-webhooks/mocks";

const secrets = {
  CRONOFY_CLIENT_SECRET: "consumer-smoke-cronofy-secret",
  MEETINGBAAS_CALLBACK_SECRET: "consumer-smoke-callback-secret",
  MEETINGBAAS_WEBHOOK_SECRET: `whsec_${Buffer.from("consumer smoke signing key, 32 b").toString("base64")}`,
};
// webhooks.ts reads them when imported (the Next.js route below) or started (the servers).
Object.assign(process.env, secrets);

const [tsx, ...args] = process.argv.slice(2);
/** `--name <value>` options, taken out of the argument list; what is left are the server snippet files. */
const named = {};
const servers = [];
for (let i = 0; i < args.length; i++) {
  if (args[i].startsWith("--")) named[args[i].slice(2)] = args[++i];
  else servers.push(args[i]);
}
const { route, conformance, express, receiver } = named;

/** What each snippet must answer, and what its handlers must print for the accepted ones. */
async function deliveries(base) {
  const agent = cronofy.meetingAgentComplete({}, { seed: 3 });
  const completed = meetingbaas.botCompleted({}, { seed: 4 });
  const failed = meetingbaas.botFailed({}, { seed: 5 });
  return [
    {
      what: "a signed Cronofy callback",
      status: 202,
      printed: `agent done ${agent.meeting_agent.sub}`,
      delivery: await buildDelivery(agent, {
        provider: "cronofy",
        url: `${base}/cronofy`,
        secret: secrets.CRONOFY_CLIENT_SECRET,
      }),
    },
    {
      what: "a Svix-signed Meeting BaaS webhook",
      status: 202,
      printed: `bot done ${completed.data.bot_id}`,
      delivery: await buildDelivery(completed, {
        provider: "meetingbaas",
        channel: "webhook",
        url: `${base}/meetingbaas`,
        secret: secrets.MEETINGBAAS_WEBHOOK_SECRET,
      }),
    },
    {
      what: "a Meeting BaaS callback sent with PUT",
      status: 202,
      delivery: await buildDelivery(failed, {
        provider: "meetingbaas",
        channel: "callback",
        method: "PUT",
        url: `${base}/meetingbaas/callback`,
        secret: secrets.MEETINGBAAS_CALLBACK_SECRET,
      }),
    },
    {
      what: "a Meeting BaaS callback with the wrong secret",
      status: 401,
      delivery: await buildDelivery(failed, {
        provider: "meetingbaas",
        channel: "callback",
        url: `${base}/meetingbaas/callback`,
        secret: "not-the-secret",
      }),
    },
  ];
}

function requestOf(delivery) {
  return new Request(delivery.url, {
    method: delivery.method,
    headers: delivery.headers,
    body: delivery.body,
  });
}

async function check(name, cases, send, output) {
  for (const { what, status, printed, delivery } of cases) {
    const response = await send(requestOf(delivery));
    const answer = await response.text();
    if (response.status !== status)
      throw new Error(`${name}: ${what} got ${response.status}, expected ${status}: ${answer}`);
    if (printed && !(await printedSoon(output, printed)))
      throw new Error(`${name}: ${what} was answered but its handler did not print "${printed}"`);
  }
  process.stdout.write(`${name}: ${cases.map((c) => c.status).join(", ")} as expected\n`);
}

/** The child's output is read asynchronously: give the line a moment to arrive after the answer. */
async function printedSoon(output, line) {
  for (let i = 0; i < 50; i++) {
    if (output().includes(line)) return true;
    await new Promise((done) => setTimeout(done, 20));
  }
  return false;
}

async function freePort() {
  const server = createServer().listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address();
  server.close();
  await once(server, "close");
  return port;
}

async function untilListening(base, child) {
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) return false;
    try {
      await fetch(base);
      return true;
    } catch {
      await new Promise((done) => setTimeout(done, 50));
    }
  }
  return false;
}

/** Starts `node <args>` (on the Node.js running this one) with PORT set to a free port; resolves once it answers. */
async function startServer(name, args, env = {}) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr.on("data", (chunk) => {
    output += chunk;
  });
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill();
      await once(child, "exit");
    }
  };
  if (!(await untilListening(base, child))) {
    await stop();
    throw new Error(`${name} did not listen on ${base}:\n${output}`);
  }
  return { base, output: () => output, stop };
}

/** Start a snippet as its own process (tsx's loader) and send it every case. */
async function runServer(file) {
  const server = await startServer(file, ["--import", tsx, file]);
  try {
    await check(
      file,
      await deliveries(`${server.base}/webhooks`),
      (request) => fetch(request),
      server.output,
    );
  } finally {
    await server.stop();
  }
}

const shell = promisify(execFile);

/**
 * The README's CI command lines, run by a shell as a CI runner would, with WEBHOOKS_URL pointing at `server` and the
 * secrets of this process's environment: each must exit 0 and leave a JUnit report without failures. Asynchronous,
 * so that the server's output keeps being read while a command runs.
 */
async function runConformanceLines(name, server, lines) {
  rmSync("reports", { recursive: true, force: true });
  for (const line of lines) {
    try {
      await shell("bash", ["-c", line], {
        env: { ...process.env, WEBHOOKS_URL: `${server.base}/webhooks`, npm_config_offline: "true" },
      });
    } catch (error) {
      throw new Error(
        `${name}: \`${line}\` exited ${error.code}:\n${error.stdout}${error.stderr}\n${server.output()}`,
      );
    }
  }
  const reports = readdirSync("reports").filter((file) => file.endsWith(".xml"));
  for (const report of reports) {
    const xml = readFileSync(`reports/${report}`, "utf8");
    if (!/<testsuites [^>]*failures="0"/.test(xml))
      throw new Error(`${name}: reports/${report} has failures`);
  }
  if (reports.length !== lines.length)
    throw new Error(`${name}: ${lines.length} command lines wrote ${reports.length} JUnit reports`);
  const scenarios = reports.reduce(
    (sum, report) => sum + readFileSync(`reports/${report}`, "utf8").split("<testcase ").length - 1,
    0,
  );
  process.stdout.write(`${name}: ${lines.length} conformance runs, ${scenarios} scenarios, all passed\n`);
}

for (const file of servers) await runServer(file);
if (conformance) {
  const lines = JSON.parse(readFileSync(conformance, "utf8"));
  const app = await startServer(express, ["--import", tsx, express]);
  try {
    await runConformanceLines(`conformance of ${express}`, app, lines);
  } finally {
    await app.stop();
  }
  if (receiver) {
    // The sample receiver reads its secrets under its own names; everything else is its zero-configuration default.
    const sample = await startServer("the sample receiver", [receiver], {
      HOST: "127.0.0.1",
      DATABASE_PATH: resolve("receiver-data", "receiver.db"),
      MOCK_PROVIDERS: "msw",
      CRONOFY_CLIENT_SECRETS: secrets.CRONOFY_CLIENT_SECRET,
      MEETINGBAAS_CALLBACK_SECRETS: secrets.MEETINGBAAS_CALLBACK_SECRET,
      MEETINGBAAS_WEBHOOK_SECRET: secrets.MEETINGBAAS_WEBHOOK_SECRET,
    });
    try {
      await runConformanceLines("conformance of the sample receiver", sample, lines);
    } finally {
      await sample.stop();
    }
  }
}
if (route) {
  // In this process the handlers print through console: keep what they print to check it.
  let printed = "";
  const print = { log: console.log, error: console.error };
  console.log = console.error = (...line) => {
    printed += `${line.join(" ")}\n`;
  };
  try {
    const handlers = await import(pathToFileURL(resolve(route)).href);
    await check(
      route,
      await deliveries("http://127.0.0.1/api/webhooks"),
      (request) => handlers[request.method](request),
      () => printed,
    );
  } finally {
    Object.assign(console, print);
  }
}
