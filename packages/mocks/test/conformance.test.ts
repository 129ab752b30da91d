// The conformance runner: each scenario sends what its table row says (checked with @meeting-webhooks/receive, the
// verifier the runner must agree with), a correct endpoint passes every scenario on every route, and each answer is
// graded as the provider would.
import { createServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createMeetingWebhooks } from "@meeting-webhooks/receive";
import { createNodeMiddleware } from "@meeting-webhooks/receive/node";
import type { Channel, Provider } from "@meeting-webhooks/types";
import { afterEach, describe, expect, it } from "vitest";
import {
  ConformanceOptionsError,
  type ConformanceTarget,
  conformanceFailures,
  conformanceScenarios,
  conformanceTargets,
  deliveryConsequences,
  formatConformanceReport,
  runConformance,
  runConformanceOnRoutes,
  scenariosFor,
} from "../src/conformance/index.js";
import { type Probe, probeBuilders } from "../src/conformance/probes.js";
import { deliveryPolicies } from "../src/contract.gen.js";
import { parse, secrets } from "./helpers.js";

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map(
      (server) =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    ),
  );
});

async function serve(handler: RequestListener): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A receiver as the README builds one: createMeetingWebhooks + createNodeMiddleware, de-duplicating on the key. */
function correctReceiver() {
  const seen = new Set<string>();
  const webhooks = createMeetingWebhooks({
    cronofy: { clientSecrets: secrets.cronofy },
    meetingbaas: { callbackSecrets: secrets.callback, webhookSecret: secrets.webhook },
  }).onAny((event) => {
    seen.add(event.deliveryKey);
  });
  return createNodeMiddleware(webhooks, { path: "/webhooks" });
}

const secretOf = (target: ConformanceTarget) =>
  target === "cronofy/callback"
    ? secrets.cronofy
    : target === "meetingbaas/callback"
      ? secrets.callback
      : secrets.webhook;

function contextFor(target: ConformanceTarget) {
  const [provider, channel] = target.split("/") as [Provider, Channel];
  return {
    target,
    provider,
    channel,
    url: "https://receiver.test/hook",
    secrets: [secretOf(target)],
    method: "POST" as const,
    run: "test-run",
  };
}

/** What @meeting-webhooks/receive makes of a probe, at the time it was built. */
function outcome(probe: Probe) {
  const result = parse(probe.delivery);
  if (result.ok) return result.event.known ? "known event" : "unknown event";
  return `${result.error.stage}: ${result.error.code}`;
}

describe.each(conformanceTargets)("the scenarios for %s", (target) => {
  const scenarios = scenariosFor(target);
  const expected: Record<string, (o: string) => boolean> = {
    accepted: (o) => o === "known event",
    refused: (o) => o.startsWith("signature:"),
    "not-5xx": (o) => o === "schema: schema_mismatch",
  };

  it.each(scenarios.map((s) => [s.id, s] as const))("%s sends what its row says", async (id, scenario) => {
    const probes = await probeBuilders[id as keyof typeof probeBuilders](contextFor(target));
    expect(probes.length).toBeGreaterThan(0);
    for (const probe of probes) {
      const got = outcome(probe);
      if (id === "unknown-event") expect(got, probe.label).toBe("unknown event");
      else expect(expected[scenario.expects]?.(got), `${probe.label}: ${got}`).toBe(true);
    }
  });
});

describe("the probes", () => {
  it("refuse for the reason each refusal scenario names", async () => {
    const codes = async (target: ConformanceTarget, id: keyof typeof probeBuilders) =>
      (await probeBuilders[id](contextFor(target))).map(outcome);
    expect(await codes("meetingbaas/webhook", "timestamp-outside-tolerance")).toEqual([
      "signature: timestamp_out_of_tolerance",
      "signature: timestamp_out_of_tolerance",
    ]);
    expect(await codes("meetingbaas/webhook", "body-tampered")).toEqual(["signature: signature_mismatch"]);
    expect(await codes("cronofy/callback", "body-tampered")).toEqual(["signature: signature_mismatch"]);
    expect(await codes("meetingbaas/callback", "signature-missing")).toEqual([
      "signature: missing_signature",
    ]);
  });

  it("send a redelivery with the same id and body, and nothing else twice", async () => {
    for (const target of conformanceTargets) {
      const bodies = new Map<string, string>();
      for (const scenario of scenariosFor(target)) {
        for (const probe of await probeBuilders[scenario.id as keyof typeof probeBuilders](
          contextFor(target),
        )) {
          const key = `${probe.delivery.headers["svix-id"] ?? ""}|${probe.delivery.body}`;
          if (scenario.id !== "redelivery")
            expect(bodies.get(key), `${target} ${probe.label}`).toBeUndefined();
          bodies.set(key, scenario.id);
        }
      }
      const [first, again] = await probeBuilders.redelivery(contextFor(target));
      expect(again?.delivery.body).toBe(first?.delivery.body);
      expect(again?.delivery.headers["svix-id"]).toBe(first?.delivery.headers["svix-id"]);
    }
  });

  it("make the Meeting BaaS largest payload a 1,000-person meeting under the 1 MiB default body limit", async () => {
    const [probe] = await probeBuilders["large-payload"](contextFor("meetingbaas/webhook"));
    const bytes = new TextEncoder().encode(probe?.delivery.body).length;
    expect(JSON.parse(probe?.delivery.body ?? "{}").data.participants).toHaveLength(1000);
    expect(bytes).toBeGreaterThan(256 * 1024);
    expect(bytes).toBeLessThan(1024 * 1024);
  });

  it("make the Cronofy largest payload a calendar summary of 16,000 characters, about 27 KiB", async () => {
    const [probe] = await probeBuilders["large-payload"](contextFor("cronofy/callback"));
    const summary = JSON.parse(probe?.delivery.body ?? "{}").event.summary as string;
    expect(Array.from(summary)).toHaveLength(16_000);
    expect(Math.round(new TextEncoder().encode(probe?.delivery.body).length / 1024)).toBe(27);
  });

  it("carry non-ASCII bytes and a \\u escape in the Unicode bodies", async () => {
    for (const target of conformanceTargets) {
      const bodies = (await probeBuilders.unicode(contextFor(target))).map((probe) => probe.delivery.body);
      for (const body of bodies) {
        expect(body).toContain("\\u00eb");
        expect(body).toMatch(/[\u0600-\u06ff]/);
      }
      expect(
        bodies.some((body) => body.includes("\u2028")),
        target,
      ).toBe(true);
    }
  });
});

describe("the scenario table", () => {
  it("has a unique id, a source and a text for every target each scenario applies to", () => {
    const ids = conformanceScenarios.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const scenario of conformanceScenarios) {
      for (const target of scenario.appliesTo) {
        for (const field of [scenario.sends, scenario.source] as const) {
          const text = typeof field === "string" ? field : (field as Record<string, string>)[target];
          expect(text, `${scenario.id} ${target}`).toMatch(/\S/);
        }
      }
    }
  });

  it("states the providers' consequences with the contract's numbers", () => {
    const webhook = deliveryPolicies.meetingbaas.webhook;
    expect(deliveryConsequences["meetingbaas/webhook"].text).toContain(
      `disables an endpoint after ${webhook.disableAfterFailingDays} days of failures`,
    );
    expect(deliveryConsequences["meetingbaas/webhook"].text).toContain(`${webhook.attempts} attempts`);
    expect(deliveryConsequences["meetingbaas/webhook"].source).toContain("x-delivery-policies.webhook");
    expect(deliveryConsequences["meetingbaas/webhook"].source).toContain(webhook.sources[0]);
    expect(deliveryConsequences["meetingbaas/callback"].text).toContain("1 s, 5 s, 15 s");
  });
});

describe("runConformance", () => {
  it("passes every scenario on every route and method of a receiver built with createMeetingWebhooks", async () => {
    const base = await serve(correctReceiver());
    const reports = await runConformanceOnRoutes({
      baseUrl: `${base}/webhooks`,
      secrets: {
        cronofy: secrets.cronofy,
        meetingBaasCallback: secrets.callback,
        meetingBaasWebhook: secrets.webhook,
      },
    });
    expect(conformanceFailures(reports)).toEqual([]);
    expect(reports.map((r) => `${r.provider}/${r.channel} ${r.method}`)).toEqual([
      "cronofy/callback POST",
      "meetingbaas/webhook POST",
      "meetingbaas/callback POST",
      "meetingbaas/callback PUT",
    ]);
    for (const report of reports) {
      expect(report.results.map((r) => r.scenario)).toEqual(
        scenariosFor(`${report.provider}/${report.channel}` as ConformanceTarget).map((s) => s.id),
      );
    }
  });

  it("lists each failure on one line, for an assertion in any test framework", async () => {
    const base = await serve(correctReceiver());
    const wrongSecret = "whsec_d3Jvbmcgc2VjcmV0IGZvciB0aGlzIGVuZHBvaW50";
    const report = await runConformance({
      url: `${base}/webhooks/meetingbaas`,
      provider: "meetingbaas",
      secrets: wrongSecret,
      only: ["rotation", "signature-missing"],
    });
    expect(conformanceFailures(report)).toEqual([
      "meetingbaas/webhook rotation: expected 2xx within 30000 ms, got 401 to bot.completed signed with a secret you do not have, then with yours",
    ]);
  });

  it("fails an endpoint that answers 500 to unknown events, with Meeting BaaS's documented consequence", async () => {
    const webhooks = createMeetingWebhooks({ meetingbaas: { webhookSecret: secrets.webhook } }).onUnknown(
      () => {
        throw new Error("no handler for this event");
      },
    );
    const base = await serve(createNodeMiddleware(webhooks, { path: "/" }));
    const report = await runConformance({
      url: `${base}/meetingbaas`,
      provider: "meetingbaas",
      secrets: secrets.webhook,
      only: ["unknown-event", "examples"],
    });
    expect(report.results.map((r) => [r.scenario, r.ok])).toEqual([
      ["examples", true],
      ["unknown-event", false],
    ]);
    const failed = report.results[1];
    expect(failed?.got).toBe("500 to calendar.connection_error");
    expect(failed?.why).toContain("disables an endpoint after 5 days of failures");
    expect(failed?.source).toContain("specs/meetingbaas/openapi.yaml, x-delivery-policies.webhook");
    expect(formatConformanceReport(report)).toMatch(/FAIL\s+unknown-event\s+2xx within 30000 ms\s+500 to/);
  });

  it("reports an endpoint where nothing listens as unreachable", async () => {
    const base = await serve(() => {});
    servers.pop()?.close();
    const report = await runConformance({
      url: `${base}/cronofy`,
      provider: "cronofy",
      secrets: secrets.cronofy,
      only: ["examples", "signature-missing"],
    });
    expect(report).toMatchObject({ unreachable: true, passed: 0, failed: 2 });
    expect(report.results[0]?.got).toMatch(/^no answer \(ECONNREFUSED\) to /);
  });

  it("refuses options that cannot make a run, before sending anything", async () => {
    const run = (options: Partial<Parameters<typeof runConformance>[0]>) =>
      runConformance({
        url: "http://127.0.0.1:9/x",
        provider: "meetingbaas",
        secrets: secrets.webhook,
        ...options,
      });
    await expect(run({ channel: "webhook", provider: "cronofy", secrets: "s" })).rejects.toThrow(
      ConformanceOptionsError,
    );
    await expect(run({ only: ["rotation", "no-such-scenario"] })).rejects.toThrow(/no-such-scenario/);
    await expect(run({ only: ["rotation"], channel: "callback", secrets: secrets.callback })).rejects.toThrow(
      /No scenario "rotation" for Meeting BaaS callbacks/,
    );
    await expect(run({ secrets: "whsec_ not base64" })).rejects.toThrow(/not a Meeting BaaS signing secret/);
    await expect(run({ channel: "callback", secrets: ["a", "b"] })).rejects.toThrow(/one secret/);
    await expect(run({ method: "PUT" })).rejects.toThrow(/callbacks only/);
  });
});
