// `conformance` as CI runs it: a process against small node:http endpoints, some deliberately broken. Each mistake
// must be caught by the scenario made for it, with its reason; a correct endpoint passes everything.
import { readFileSync } from "node:fs";
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { join } from "node:path";
import { devSecrets } from "@meeting-webhooks/mocks";
import { conformanceScenarios, scenariosFor } from "@meeting-webhooks/mocks/conformance";
import { freePort } from "@meeting-webhooks/mocks/prism";
import { createMeetingWebhooks, type MeetingWebhooks } from "@meeting-webhooks/receive";
import { createNodeMiddleware } from "@meeting-webhooks/receive/node";
import { loopbackServerForTest, tempDirForTest } from "@meeting-webhooks/test-support";
import { describe, expect, it } from "vitest";
import { runCli } from "./support.js";

const secrets = {
  cronofy: "cli-conformance-cronofy-secret",
  callback: "cli-conformance-callback-secret",
  webhook: devSecrets.meetingBaasWebhook,
};

/** A receiver built as the README builds one; `configure` adds the handlers (and the bugs) of each test. */
function receiver(configure: (webhooks: MeetingWebhooks) => void = () => {}): RequestListener {
  const webhooks = createMeetingWebhooks({
    cronofy: { clientSecrets: secrets.cronofy },
    meetingbaas: { callbackSecrets: secrets.callback, webhookSecret: secrets.webhook },
  });
  configure(webhooks);
  const middleware = createNodeMiddleware(webhooks, { path: "/webhooks" });
  return (request, response) => void middleware(request, response);
}

interface Report {
  passed: number;
  failed: number;
  unreachable: boolean;
  results: { scenario: string; ok: boolean; got: string; why: string; source: string; expected: string }[];
}

async function conformance(args: string[], env: Record<string, string> = {}) {
  const outcome = await runCli(["conformance", ...args], { env });
  const report =
    args.includes("--json") && outcome.stdout ? (JSON.parse(outcome.stdout) as Report) : undefined;
  return { ...outcome, report };
}

const failing = (report: Report | undefined) => report?.results.filter((r) => !r.ok).map((r) => r.scenario);

describe("a correct endpoint", () => {
  it("passes every Meeting BaaS webhook scenario, with a table and a JUnit report", async () => {
    const base = await loopbackServerForTest(receiver());
    const junit = join(tempDirForTest("conformance-"), "reports", "meetingbaas.xml");
    const { code, stdout, stderr } = await conformance([
      "--provider",
      "meetingbaas",
      "--url",
      `${base}/webhooks/meetingbaas`,
      "--secret",
      secrets.webhook,
      "--junit",
      junit,
    ]);
    // Nothing on stderr but progress lines, which a run slower than 2 s prints (a loaded CI machine): all "ok".
    for (const line of stderr.split("\n").filter(Boolean))
      expect(line).toMatch(/^\[conformance\] \d+\/\d+ \S+ ok \(\d+ ms\)$/);
    expect(code).toBe(0);
    const scenarios = scenariosFor("meetingbaas/webhook");
    expect(stdout).toMatch(
      /^meeting-webhooks conformance: Meeting BaaS webhooks at http:\/\/127\.0\.0\.1:\d+\//,
    );
    expect(stdout).toMatch(/scenario\s+expected\s+got\s+time\s+why it matters/);
    for (const scenario of scenarios) expect(stdout).toMatch(new RegExp(`^ok\\s+${scenario.id}\\s`, "m"));
    expect(stdout).toContain(`${scenarios.length} of ${scenarios.length} scenarios passed`);
    const xml = readFileSync(junit, "utf8");
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites /);
    expect(xml.match(/<testcase /g)).toHaveLength(scenarios.length);
    expect(xml).toContain(`tests="${scenarios.length}" failures="0"`);
  });

  it("passes every Cronofy scenario with the secrets of MEETING_WEBHOOKS_SECRETS, as JSON", async () => {
    const base = await loopbackServerForTest(receiver());
    const { code, report } = await conformance(
      ["--provider", "cronofy", "--url", `${base}/webhooks/cronofy`, "--json"],
      { MEETING_WEBHOOKS_SECRETS: secrets.cronofy },
    );
    expect(failing(report)).toEqual([]);
    expect(report?.results.map((r) => r.scenario)).toEqual(scenariosFor("cronofy/callback").map((s) => s.id));
    expect(code).toBe(0);
  });

  it("passes every Meeting BaaS callback scenario sent with PUT", async () => {
    const methods = new Set<string>();
    const listener = receiver();
    const base = await loopbackServerForTest((request, response) => {
      methods.add(request.method ?? "");
      listener(request, response);
    });
    const { code, report } = await conformance([
      ...["--provider", "meetingbaas", "--channel", "callback", "--method", "PUT"],
      ...["--url", `${base}/webhooks/meetingbaas/callback`, "--secret", secrets.callback, "--json"],
    ]);
    expect(failing(report)).toEqual([]);
    expect(code).toBe(0);
    expect([...methods]).toEqual(["PUT"]);
  });
});

describe("a broken endpoint is caught by the right scenario, with the reason", () => {
  it("one that accepts any signature fails every refusal scenario", async () => {
    const base = await loopbackServerForTest((request, response) => {
      request.resume().on("end", () => response.writeHead(202).end());
    });
    const { code, report } = await conformance([
      ...["--provider", "meetingbaas", "--url", `${base}/hook`, "--secret", secrets.webhook, "--json"],
    ]);
    expect(code).toBe(1);
    expect(failing(report)).toEqual([
      "signature-invalid",
      "signature-missing",
      "signature-other-secret",
      "body-tampered",
      "timestamp-outside-tolerance",
    ]);
    const invalid = report?.results.find((r) => r.scenario === "signature-invalid");
    expect(invalid).toMatchObject({
      expected: "not 2xx",
      got: "202 to bot.completed with a signature that matches nothing",
    });
    expect(invalid?.why).toMatch(/forge a meeting/);
    expect(invalid?.source).toMatch(/svix-signature/);
    expect(report?.results.find((r) => r.scenario === "timestamp-outside-tolerance")?.got).toBe(
      "202 to bot.completed signed 10 minutes ago (and 1 more)",
    );
  });

  it("one that answers 500 to events it does not know fails unknown-event, citing the auto-disable", async () => {
    const base = await loopbackServerForTest(
      receiver((webhooks) =>
        webhooks.onUnknown(() => {
          throw new Error("no handler for this event");
        }),
      ),
    );
    const { code, report } = await conformance([
      ...["--provider", "meetingbaas", "--url", `${base}/webhooks/meetingbaas`, "--secret", secrets.webhook],
      "--json",
    ]);
    expect(code).toBe(1);
    expect(failing(report)).toEqual(["unknown-event"]);
    const unknown = report?.results.find((r) => r.scenario === "unknown-event");
    expect(unknown?.got).toBe("500 to calendar.connection_error");
    expect(unknown?.why).toContain("7 attempts over about 3 hours");
    expect(unknown?.why).toContain("disables an endpoint after 5 days of failures");
    expect(unknown?.source).toContain("specs/meetingbaas/openapi.yaml, x-delivery-policies.webhook");
  });

  it("one slower than the timeout fails what it must accept, and says so on stderr as it goes", async () => {
    const base = await loopbackServerForTest(
      receiver((webhooks) => webhooks.onAny(() => new Promise<void>((done) => setTimeout(done, 200)))),
    );
    const { code, stdout, stderr } = await conformance([
      ...["--provider", "meetingbaas", "--url", `${base}/webhooks/meetingbaas`, "--secret", secrets.webhook],
      ...["--timeout-ms", "50", "--only", "examples,generated", "--only", "signature-missing"],
    ]);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^FAIL\s+examples\s+2xx within 50 ms\s+no answer within 50 ms to bot\.\w+ \(/m);
    expect(stdout).toMatch(/^FAIL\s+generated\s/m);
    expect(stdout).toMatch(/^ok\s+signature-missing\s/m);
    expect(stdout).toContain("timeout 50 ms (--timeout-ms)");
    expect(stdout).toMatch(/why: .*at least 60 s after a 429 or a timeout/);
    // examples and generated wait 50 ms per delivery: well over the 2 s after which progress is shown.
    expect(stderr).toMatch(/^\[conformance\] 3\/3 signature-missing ok \(\d+ ms\)$/m);
  });

  it("one that answers 500 to a duplicate fails redelivery only", async () => {
    const base = await loopbackServerForTest(
      receiver((webhooks) => {
        const seen = new Set<string>();
        webhooks.onAny((event) => {
          if (seen.has(event.deliveryKey)) throw new Error("duplicate key value violates unique constraint");
          seen.add(event.deliveryKey);
        });
      }),
    );
    const { code, report } = await conformance([
      ...[
        "--provider",
        "cronofy",
        "--url",
        `${base}/webhooks/cronofy`,
        "--secret",
        secrets.cronofy,
        "--json",
      ],
    ]);
    expect(code).toBe(1);
    expect(failing(report)).toEqual(["redelivery"]);
    expect(report?.results.find((r) => r.scenario === "redelivery")?.got).toBe(
      "500 to meeting_agent_complete, the same delivery again (a retry)",
    );
  });
});

describe("runs that cannot grade", () => {
  it("exits 2 when nothing accepts connections at the URL", async () => {
    const url = `http://127.0.0.1:${await freePort()}/webhooks/cronofy`;
    const { code, stdout, stderr } = await conformance([
      ...["--provider", "cronofy", "--url", url, "--secret", "s", "--only", "examples,signature-missing"],
    ]);
    expect(code).toBe(2);
    expect(stdout).toMatch(/^FAIL\s+examples\s.*no answer \(ECONNREFUSED\)/m);
    expect(stderr).toContain(`nothing answered at ${url} (connection refused on every request)`);
  });

  it("exits 2 on usage errors, before sending anything", async () => {
    const requests: IncomingMessage[] = [];
    const base = await loopbackServerForTest((request, response: ServerResponse) => {
      requests.push(request);
      response.end();
    });
    for (const [args, message] of [
      [["--provider", "cronofy"], /--url is required/],
      [["--provider", "cronofy", "--channel", "webhook", "--url", base], /cronofy sends no webhooks/],
      [
        ["--provider", "meetingbaas", "--url", base, "--only", "nope"],
        /No scenario "nope" for Meeting BaaS webhooks/,
      ],
      [
        ["--provider", "meetingbaas", "--url", base, "--secret", "whsec_ not base64"],
        /not a Meeting BaaS signing secret/,
      ],
      [["--provider", "meetingbaas", "--url", base, "--method", "PUT"], /callbacks only/],
      [["--provider", "cronofy", "--url", base, "--timeout-ms", "0"], /--timeout-ms must be a whole number/],
    ] as const) {
      const { code, stderr } = await conformance([...args]);
      expect(code, args.join(" ")).toBe(2);
      expect(stderr).toMatch(message);
    }
    expect(requests).toEqual([]);
  });

  it("lists every scenario in --help with what it sends and its source", async () => {
    const { code, stdout } = await conformance(["--help"]);
    expect(code).toBe(0);
    for (const scenario of conformanceScenarios) {
      expect(stdout).toContain(`  ${scenario.id}: ${scenario.title}`);
    }
    expect(stdout.match(/^ {4}sends/gm)?.length).toBeGreaterThanOrEqual(conformanceScenarios.length);
    expect(stdout.match(/^ {4}source/gm)?.length).toBeGreaterThanOrEqual(conformanceScenarios.length);
    for (const option of [
      "--provider",
      "--channel",
      "--url",
      "--secret",
      "--method",
      "--timeout-ms",
      "--junit",
      "--json",
      "--only",
    ])
      expect(stdout).toContain(option);
  });
});
