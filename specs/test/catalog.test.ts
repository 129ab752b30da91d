import { describe, expect, it } from "vitest";
import { loadWebhooks, schemaPathForExample } from "../src/index.js";

describe("schemaPathForExample", () => {
  it("maps an example to the schema of the same name", () => {
    expect(schemaPathForExample("meetingbaas/examples/bot.completed.json")).toBe(
      "meetingbaas/schemas/bot.completed.json",
    );
  });

  it("drops the case name after a double dash", () => {
    expect(schemaPathForExample("cronofy/examples/meeting_agent_failed--unknown-subtype.json")).toBe(
      "cronofy/schemas/meeting_agent_failed.json",
    );
  });

  it("keeps sub-folders such as artifacts", () => {
    expect(schemaPathForExample("meetingbaas/examples/artifacts/transcription--empty.json")).toBe(
      "meetingbaas/schemas/artifacts/transcription.json",
    );
  });
});

describe("loadWebhooks", () => {
  it("reads channel and event from `<channel>/<event>` keys", () => {
    const completed = loadWebhooks("meetingbaas").filter((w) => w.event === "bot.completed");
    expect(completed.map((w) => w.channel).sort()).toEqual(["callback", "webhook"]);
    expect(new Set(completed.map((w) => w.schemaPath))).toEqual(
      new Set(["meetingbaas/schemas/bot.completed.json"]),
    );
  });

  it("treats a key without a channel as a callback", () => {
    const cronofy = loadWebhooks("cronofy");
    expect(cronofy.map((w) => w.event).sort()).toEqual([
      "meeting_agent_activated",
      "meeting_agent_complete",
      "meeting_agent_failed",
    ]);
    expect(cronofy.every((w) => w.channel === "callback" && w.method === "POST")).toBe(true);
  });

  it("lists the signature headers", () => {
    const [activated] = loadWebhooks("cronofy");
    expect(activated?.headers.map((h) => h.name)).toContain("Cronofy-HMAC-SHA256");
    const webhook = loadWebhooks("meetingbaas").find((w) => w.key === "webhook/bot.status_change");
    expect(
      webhook?.headers
        .filter((h) => h.required)
        .map((h) => h.name)
        .sort(),
    ).toEqual(["svix-id", "svix-signature", "svix-timestamp"]);
  });
});
