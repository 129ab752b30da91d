// The sample receiver passes every conformance scenario (@meeting-webhooks/mocks/conformance) on every route and
// method, on each storage engine: what `meeting-webhooks conformance` checks in a team's CI, checked here in-process.
import {
  type ConformanceTarget,
  conformanceFailures,
  runConformanceOnRoutes,
  scenariosFor,
} from "@meeting-webhooks/mocks/conformance";
import { beforeAll, describe, expect, it } from "vitest";
import { secrets, startReceiver, testEngines, useEngine } from "./support.js";

const engines = await testEngines();

describe.each(engines)("on %s", (engine) => {
  beforeAll(() => useEngine(engine));

  it("passes every conformance scenario on every route", async () => {
    const receiver = await startReceiver({}, { process: false });
    try {
      const url = await receiver.app.listen({ port: 0, host: "127.0.0.1" });
      const reports = await runConformanceOnRoutes({
        baseUrl: `${url}/webhooks`,
        secrets: {
          cronofy: secrets.cronofy,
          meetingBaasCallback: secrets.callback,
          meetingBaasWebhook: secrets.webhook,
        },
      });
      expect(conformanceFailures(reports)).toEqual([]);
      // Cronofy, the Svix webhook, the callback with POST and with PUT: every scenario of each ran.
      expect(reports.map((r) => [`${r.provider}/${r.channel}`, r.results.length])).toEqual(
        reports.map((r) => [
          `${r.provider}/${r.channel}`,
          scenariosFor(`${r.provider}/${r.channel}` as ConformanceTarget).length,
        ]),
      );
      expect(reports).toHaveLength(4);
    } finally {
      await receiver.close();
    }
  });
});
