// Runs the README's "Receive in your framework" snippets inside the consumer smoke test's scratch project (copied
// there and started with tsx by scripts/consumer-smoke.mjs): each server snippet is started on 127.0.0.1 and sent
// signed deliveries built by the installed @meeting-webhooks/mocks; the Next.js route handlers are called with a
// `Request`. Arguments: tsx's loader (a file URL), the server snippet files, then `--route <file>` for the Next.js route.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { buildDelivery, cronofy, meetingbaas } from "@meeting-webhooks/mocks";

const secrets = {
  CRONOFY_CLIENT_SECRET: "consumer-smoke-cronofy-secret",
  MEETINGBAAS_CALLBACK_SECRET: "consumer-smoke-callback-secret",
  MEETINGBAAS_WEBHOOK_SECRET: `whsec_${Buffer.from("consumer smoke signing key, 32 b").toString("base64")}`,
};
// webhooks.ts reads them when imported (the Next.js route below) or started (the servers).
Object.assign(process.env, secrets);

const [tsx, ...args] = process.argv.slice(2);
const routeAt = args.indexOf("--route");
const route = routeAt >= 0 ? args[routeAt + 1] : undefined;
const servers = args.filter((_, i) => i !== routeAt && i !== routeAt + 1);

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

/** Start a snippet as its own process (tsx's loader, on the Node.js running this one) and send it every case. */
async function runServer(file) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ["--import", tsx, file], {
    env: { ...process.env, PORT: String(port) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr.on("data", (chunk) => {
    output += chunk;
  });
  try {
    if (!(await untilListening(base, child)))
      throw new Error(`${file} did not listen on ${base}:\n${output}`);
    await check(
      file,
      await deliveries(`${base}/webhooks`),
      (request) => fetch(request),
      () => output,
    );
  } finally {
    if (child.exitCode === null) {
      child.kill();
      await once(child, "exit");
    }
  }
}

for (const file of servers) await runServer(file);
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
