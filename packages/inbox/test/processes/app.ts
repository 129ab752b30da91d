// An app as integrators write it, for the crash and multi-process tests: node:http, the inbox behind the Node
// adapter, `start()`. Its one handler writes a line when each run starts and ends (RUNS_FILE), so that the test can
// tell which runs happened, in which process, in what order. Started by test/processes/harness.ts with tsx.
import { appendFileSync } from "node:fs";
import { createServer } from "node:http";
import { createNodeMiddleware } from "@meeting-webhooks/receive/node";
import { createInbox } from "../../src/index.js";
import { testWebhooks } from "../fixtures.js";

const runsFile = process.env.RUNS_FILE as string;
const webhooks = testWebhooks().onAny(async (event) => {
  const run = { id: event.deliveryId, attempt: event.attempt, pid: process.pid, subject: event.provider };
  appendFileSync(runsFile, `${JSON.stringify({ ...run, start: Date.now() })}\n`);
  await new Promise((resolve) => setTimeout(resolve, 2 + Math.random() * 10));
  appendFileSync(
    runsFile,
    `${JSON.stringify({ id: event.deliveryId, pid: process.pid, end: Date.now() })}\n`,
  );
});
const inbox = await createInbox({
  webhooks,
  database: process.env.INBOX_DATABASE as string,
  concurrency: 4,
  leaseMs: Number(process.env.LEASE_MS ?? 1500),
  pollIntervalMs: 100,
  poolSize: 4,
  log: (message) => process.stderr.write(`[inbox ${process.pid}] ${message}\n`),
});
const middleware = createNodeMiddleware(inbox, { path: "/webhooks" });
const server = createServer((request, response) => void middleware(request, response));
server.listen(0, "127.0.0.1", () => {
  const { port } = server.address() as { port: number };
  process.send?.({ ready: `http://127.0.0.1:${port}` });
});
await inbox.start();
process.once("SIGTERM", () => {
  server.close();
  void inbox.stop().then(() => process.exit(0));
});
