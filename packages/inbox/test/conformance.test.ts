// The inbox passes every conformance scenario (`meeting-webhooks conformance`, @meeting-webhooks/mocks/conformance)
// on every route and method, on both engines: a started inbox behind createNodeMiddleware on a loopback port, as an
// app mounts it, graded on what a provider needs (2xx for what it must keep, refusals for forgeries).
import { conformanceFailures, runConformanceOnRoutes } from "@meeting-webhooks/mocks/conformance";
import { createNodeMiddleware } from "@meeting-webhooks/receive/node";
import { loopbackServerForTest } from "@meeting-webhooks/test-support";
import { describe, expect, it } from "vitest";
import { inboxForTest, receiverSecrets, testEngines } from "./support.js";

const engines = await testEngines();

describe.each(engines)("an inbox on %s behind createNodeMiddleware", (engine) => {
  it("passes every conformance scenario on every route and method", async () => {
    const { inbox, webhooks } = await inboxForTest(engine);
    webhooks.onAny(() => {});
    await inbox.start();
    const middleware = createNodeMiddleware(inbox, { path: "/webhooks" });
    const url = await loopbackServerForTest((request, response) => void middleware(request, response));
    const reports = await runConformanceOnRoutes({ baseUrl: `${url}/webhooks`, secrets: receiverSecrets });
    expect(conformanceFailures(reports)).toEqual([]);
    // Cronofy, the Svix webhook, the callback with POST and with PUT.
    expect(reports).toHaveLength(4);
    await inbox.drain();
    expect(await inbox.counts()).toMatchObject({ queued: 0, running: 0, retrying: 0, dead: 0 });
  });
});
