// `send` and `mock` as a user runs them: processes, against a receiver that verifies with @meeting-webhooks/receive.
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { devSecrets } from "@meeting-webhooks/mocks";
import { freePort } from "@meeting-webhooks/mocks/prism";
import { type ParseResult, parseCronofyDelivery, parseMeetingBaasDelivery } from "@meeting-webhooks/receive";
import { tempDirForTest } from "@meeting-webhooks/test-support";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { bin, runCli } from "./support.js";

const cli = (args: string[], env: Record<string, string> = {}) => runCli(args, { env });

interface Received {
  /** performance.now() when the request arrived. */
  at: number;
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  result: ParseResult;
}

/** A receiver as small as it gets: verify and parse with @meeting-webhooks/receive, answer as configured. */
let server: Server;
let base: string;
let received: Received[] = [];
let answer = 204;
/** Answers for the next requests, in order, before falling back to `answer`. */
let answers: number[] = [];
const secrets = { cronofy: "cli-test-cronofy-secret", callback: "cli-test-callback-secret" };

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks);
      const result = request.url?.startsWith("/webhooks/cronofy")
        ? parseCronofyDelivery({ body, headers: request.headers, secrets: secrets.cronofy })
        : parseMeetingBaasDelivery({
            body,
            headers: request.headers,
            callbackSecrets: secrets.callback,
            webhookSecrets: devSecrets.meetingBaasWebhook,
          });
      received.push({
        at: performance.now(),
        method: request.method ?? "",
        path: request.url ?? "",
        headers: request.headers,
        result,
      });
      response.writeHead(result.ok ? (answers.shift() ?? answer) : 401).end();
    });
  });
  await new Promise<void>((ready) => server.listen(0, "127.0.0.1", ready));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(() => {
  received = [];
  answer = 204;
  answers = [];
});
afterAll(() => server.close());

const events = (list: Received[]) =>
  list.map((r) => (r.result.ok ? r.result.event.name : r.result.error.code));

describe("send", () => {
  it("sends Cronofy callbacks the receiver verifies, distinct from each other, with a summary", async () => {
    const outcome = await cli([
      "send",
      "--provider",
      "cronofy",
      "--event",
      "meeting_agent_complete",
      "--secret",
      secrets.cronofy,
      "--to",
      `${base}/webhooks/cronofy`,
      "--count",
      "3",
    ]);
    expect(outcome.code).toBe(0);
    expect(events(received)).toEqual([
      "meeting_agent_complete",
      "meeting_agent_complete",
      "meeting_agent_complete",
    ]);
    const keys = received.map((r) => (r.result.ok ? r.result.event.deliveryKey : ""));
    expect(new Set(keys).size).toBe(3);
    expect(outcome.stdout).toMatch(/^#1 meeting_agent_complete 204 \d+ ms$/m);
    expect(outcome.stdout).toMatch(
      /sent 3 \(0 duplicates, seed \d+\): 2xx 3, 3xx 0, 4xx 0, 5xx 0, no answer 0; latency p50 \d+ ms, p99 \d+ ms/,
    );
  });

  it("signs Meeting BaaS webhooks the Svix way with the dev secret by default, and repeats with --duplicates", async () => {
    const outcome = await cli([
      "send",
      "--provider",
      "meetingbaas",
      "--event",
      "bot.status_change",
      "--to",
      `${base}/webhooks/meetingbaas`,
      "--count",
      "4",
      "--duplicates",
      "1",
      "--shuffle",
      "--concurrency",
      "3",
      "--seed",
      "5",
    ]);
    expect(outcome.code).toBe(0);
    expect(received).toHaveLength(8);
    expect(received.every((r) => r.result.ok && r.result.event.channel === "webhook")).toBe(true);
    expect(new Set(received.map((r) => r.headers["svix-id"])).size).toBe(4);
    expect(outcome.stdout).toMatch(/sent 8 \(4 duplicates, seed 5\)/);
  });

  it("sends a Meeting BaaS callback with x-mb-secret and PUT, from MEETING_WEBHOOKS_SECRETS", async () => {
    const outcome = await cli(
      [
        "send",
        "--provider",
        "meetingbaas",
        "--channel",
        "callback",
        "--event",
        "bot.completed",
        "--method",
        "PUT",
        "--to",
        `${base}/webhooks/meetingbaas`,
      ],
      { MEETING_WEBHOOKS_SECRETS: secrets.callback },
    );
    expect(outcome.code).toBe(0);
    expect(received[0]).toMatchObject({ method: "PUT", headers: { "x-mb-secret": secrets.callback } });
    expect(received[0]?.result).toMatchObject({
      ok: true,
      event: { channel: "callback", name: "bot.completed" },
    });
  });

  it("merges --fixture over the generated payload and takes the event from it", async () => {
    const fixture = join(tempDirForTest("meeting-webhooks-cli-fixture-"), "fixture.json");
    writeFileSync(
      fixture,
      JSON.stringify({ event: "bot.failed", data: { error_code: "BOT_REMOVED_TOO_EARLY" } }),
    );
    const outcome = await cli([
      "send",
      "--provider",
      "meetingbaas",
      "--fixture",
      fixture,
      "--to",
      `${base}/webhooks/meetingbaas`,
    ]);
    expect(outcome.code).toBe(0);
    const result = received[0]?.result;
    if (!result?.ok) throw new Error("not accepted");
    expect(result.event).toMatchObject({
      name: "bot.failed",
      payload: { data: { error_code: "BOT_REMOVED_TOO_EARLY" } },
    });
  });

  it("exits 1 when any delivery is not answered 2xx, and counts it in the summary", async () => {
    answer = 503;
    const outcome = await cli([
      "send",
      "--provider",
      "cronofy",
      "--event",
      "meeting_agent_failed",
      "--secret",
      secrets.cronofy,
      "--to",
      `${base}/webhooks/cronofy`,
    ]);
    expect(outcome.code).toBe(1);
    expect(outcome.stdout).toMatch(/5xx 1/);
    expect(outcome.stderr).toMatch(/1 of 1 deliveries were not answered 2xx/);
  });

  it("replays the documented webhook retries with --retry, 60 s after a 429, scaled by --retry-scale", async () => {
    answers = [429, 503];
    const outcome = await cli([
      "send",
      "--provider",
      "meetingbaas",
      "--event",
      "bot.failed",
      "--retry",
      "--retry-scale",
      "0.001",
      "--to",
      `${base}/webhooks/meetingbaas`,
    ]);
    expect(outcome.code, outcome.stderr).toBe(0);
    expect(outcome.stdout).toMatch(/bot\.failed 204 \d+ ms after 3 attempts/);
    expect(received).toHaveLength(3);
    expect(new Set(received.map((r) => r.headers["svix-id"])).size).toBe(1);
    expect(received.every((r) => r.result.ok)).toBe(true);
    // 60 s after the 429 (the overload rule), then 10 s ±20 % on the schedule, each × 0.001.
    const [first, second, third] = received.map((r) => r.at) as [number, number, number];
    expect(second - first).toBeGreaterThanOrEqual(55);
    expect(third - second).toBeGreaterThanOrEqual(7);
  });

  it("never retries a callback answered 4xx, even with --retry", async () => {
    answers = [409];
    const outcome = await cli(
      [
        "send",
        "--provider",
        "meetingbaas",
        "--event",
        "bot.completed",
        "--channel",
        "callback",
        "--retry",
        "--retry-scale",
        "0.001",
        "--to",
        `${base}/webhooks/meetingbaas/callback`,
      ],
      { MEETING_WEBHOOKS_SECRETS: secrets.callback },
    );
    expect(outcome.code).toBe(1);
    expect(received).toHaveLength(1);
  });

  it("exits 2 on usage errors, naming what is wrong", async () => {
    const cases: [string[], RegExp][] = [
      [
        ["--provider", "meetingbaas", "--event", "bot.status_change", "--to", base, "--channel", "callback"],
        /does not send bot.status_change as a callback/,
      ],
      [["--provider", "cronofy", "--event", "bot.completed", "--to", base], /Unknown cronofy event/],
      [["--provider", "cronofy", "--event", "meeting_agent_complete"], /--to is required/],
      [
        ["--provider", "cronofy", "--event", "meeting_agent_complete", "--to", base, "--method", "PUT"],
        /Meeting BaaS callbacks only/,
      ],
      [
        ["--provider", "cronofy", "--event", "meeting_agent_complete", "--to", base, "--count", "0"],
        /--count/,
      ],
      [
        ["--provider", "cronofy", "--event", "meeting_agent_complete", "--to", base, "--duplicates", "1.5"],
        /--duplicates/,
      ],
      [
        ["--provider", "cronofy", "--event", "meeting_agent_complete", "--to", base, "--retry-scale", "0.5"],
        /add --retry/,
      ],
      [
        [
          "--provider",
          "meetingbaas",
          "--event",
          "bot.failed",
          "--to",
          base,
          "--retry",
          "--retry-scale",
          "fast",
        ],
        /--retry-scale must be a number/,
      ],
    ];
    for (const [args, message] of cases) {
      const outcome = await cli(["send", ...args]);
      expect(outcome.code, args.join(" ")).toBe(2);
      expect(outcome.stderr, args.join(" ")).toMatch(message);
    }
    expect(received).toEqual([]);
  });
});

describe("mock", () => {
  it("starts Prism on the given loopback ports, prints what it serves, and stops cleanly on SIGTERM", async () => {
    const [cronofyPort, mbPort, receiverPort] = [await freePort(), await freePort(), await freePort()];
    const child = spawn(process.execPath, [
      bin,
      "mock",
      "--cronofy-port",
      String(cronofyPort),
      "--meetingbaas-port",
      String(mbPort),
      "--receiver-port",
      String(receiverPort),
    ]);
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
    try {
      // Prism bundles each document before it listens: over 30 s on CI's two busy cores (it is given 120 s).
      for (let waited = 0; !stdout.includes("Ready.") && waited < 125_000; waited += 100) {
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(stdout).toContain(`cronofy: http://127.0.0.1:${cronofyPort}`);
      expect(stdout).toContain("  GET /v1/meeting_agents/{sub}/resources/{category}\n");
      expect(stdout).toContain(`receiver: http://127.0.0.1:${receiverPort}`);
      expect(stdout).toContain("POST /webhooks/meetingbaas/webhook/bot.status_change");
      const located = await fetch(
        `http://127.0.0.1:${cronofyPort}/v1/meeting_agents/agt_6927c1f4a0b1d2e3f4a5b6c7/resources/transcript`,
        {
          headers: { authorization: "Bearer key" },
          redirect: "manual",
        },
      );
      expect(located.status).toBe(302);
      const unsigned = await fetch(
        `http://127.0.0.1:${receiverPort}/webhooks/cronofy/callback/meeting_agent_complete`,
        {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: "{}",
        },
      );
      expect(unsigned.status).toBeGreaterThanOrEqual(400);
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited).toBe(0);
    expect(stdout).toContain("Stopped (SIGTERM)");
  }, 150_000);

  it("exits 2 on usage errors", async () => {
    const outcome = await cli(["mock", "--only", "zoom"]);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toMatch(/Unknown server "zoom"/);
  });
});
