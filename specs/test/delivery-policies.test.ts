// How a provider retries is stated once per channel, machine-readable, and both documents say the same thing: the
// OpenAPI document's `components.x-delivery-policies` and the AsyncAPI channel's `x-delivery-policy`. The mocks
// replay it (`@meeting-webhooks/mocks`), so the simulator cannot drift from the contract either.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { channelsOf, specsDir } from "../src/index.js";

type Json = Record<string, any>;
const yamlOf = (path: string) => parse(readFileSync(join(specsDir, path), "utf8")) as Json;

const openapi = yamlOf("meetingbaas/openapi.yaml");
const asyncapi = yamlOf("meetingbaas/asyncapi.yaml");
const policies = openapi.components["x-delivery-policies"] as Record<string, Json>;
const asyncChannelFor: Record<string, string> = { callback: "botCallbacks", webhook: "accountWebhooks" };

describe("Meeting BaaS delivery policies", () => {
  it("cover every channel the contract delivers on", () => {
    expect(Object.keys(policies).sort()).toEqual([...channelsOf("meetingbaas")].sort());
  });

  it.each(Object.keys(asyncChannelFor))("say the same in the AsyncAPI %s channel", (channel) => {
    const asyncPolicy = asyncapi.channels[asyncChannelFor[channel] as string]["x-delivery-policy"];
    expect(asyncPolicy).toEqual(policies[channel]);
  });

  it.each(Object.entries(policies))("%s: one wait between each two attempts", (_, policy) => {
    expect(policy.delaysSeconds).toHaveLength(policy.attempts - 1);
    expect(policy.delaysSeconds.every((d: number) => d > 0)).toBe(true);
    expect(["network-error-or-5xx", "non-2xx"]).toContain(policy.retryOn);
    expect(policy.jitter).toBeGreaterThanOrEqual(0);
    expect(policy.jitter).toBeLessThan(1);
  });
});
