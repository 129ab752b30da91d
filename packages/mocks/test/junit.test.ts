// The JUnit writer: well-formed XML whatever the endpoint answered, one testcase per scenario, the reason of a failure
// in its message, counts that CI systems (GitHub Actions reporters, GitLab's junit report) read.
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import {
  type ConformanceReport,
  type ConformanceResult,
  conformanceJUnit,
} from "../src/conformance/index.js";

function result(scenario: string, ok: boolean, got = "202 ×2"): ConformanceResult {
  return {
    scenario: scenario as ConformanceResult["scenario"],
    title: `Title of ${scenario}`,
    expected: "2xx within 30000 ms",
    got,
    ms: 12,
    ok,
    why: "Why it matters.",
    source: "specs/meetingbaas/openapi.yaml, x-delivery-policies.webhook",
    deliveries: [
      { label: "bot.completed", status: ok ? 202 : 500, ms: 12, ok },
      { label: "bot.failed", status: 202, ms: 3, ok: true },
    ],
  };
}

const report: ConformanceReport = {
  provider: "meetingbaas",
  channel: "webhook",
  url: "http://127.0.0.1:3000/webhooks/meetingbaas?a=1&b=<2>",
  method: "POST",
  timeoutMs: 30_000,
  timeoutFrom: "provider",
  passed: 1,
  failed: 1,
  unreachable: false,
  ms: 1234,
  results: [
    result("examples", true),
    result("unknown-event", false, '500 to "calendar.connection_error" <&>'),
  ],
};

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "" });

describe("conformanceJUnit", () => {
  it("writes one testsuite per report and one testcase per scenario, with the totals", () => {
    const xml = conformanceJUnit([report, { ...report, channel: "callback", failed: 0, passed: 2 }]);
    expect(XMLValidator.validate(xml)).toBe(true);
    const { testsuites } = parser.parse(xml);
    expect(testsuites).toMatchObject({ tests: "4", failures: "1", errors: "0" });
    expect(testsuites.testsuite).toHaveLength(2);
    expect(testsuites.testsuite[0]).toMatchObject({
      name: "meeting-webhooks conformance: Meeting BaaS webhooks at http://127.0.0.1:3000/webhooks/meetingbaas?a=1&b=<2>",
      tests: "2",
      failures: "1",
      time: "1.234",
    });
    expect(testsuites.testsuite[0].testcase.map((t: { name: string }) => t.name)).toEqual([
      "examples: Title of examples",
      "unknown-event: Title of unknown-event",
    ]);
    expect(testsuites.testsuite[0].testcase[0]).toMatchObject({
      classname: "meeting-webhooks.conformance.meetingbaas.webhook",
      time: "0.015",
    });
  });

  it("puts the reason of a failure in its message and the details in its text", () => {
    const { testsuites } = parser.parse(conformanceJUnit(report));
    const failure = testsuites.testsuite.testcase[1].failure;
    expect(failure.message).toBe(
      'expected 2xx within 30000 ms, got 500 to "calendar.connection_error" <&>. Why it matters.',
    );
    expect(failure.type).toBe("conformance");
    expect(failure["#text"]).toContain("source: specs/meetingbaas/openapi.yaml, x-delivery-policies.webhook");
    expect(failure["#text"]).toContain("FAIL 500 12 ms  bot.completed");
    expect(testsuites.testsuite.testcase[0].failure).toBeUndefined();
  });

  it("stays well-formed with control characters, lone surrogates and CDATA ends in what it quotes", () => {
    const hostile = result("unicode", false, "\u0000\u0007 ]]> \ud800 👩🏽‍💻 ' \"");
    const xml = conformanceJUnit({ ...report, results: [hostile] });
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(parser.parse(xml).testsuites.testsuite.testcase.failure.message).toContain("]]> \ufffd 👩🏽‍💻");
  });
});
