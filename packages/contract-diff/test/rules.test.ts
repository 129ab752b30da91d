// One behaviour per rule, each from the real contracts with one thing changed. The expectations list every change
// found, so a rule that fires where it should not fails its test too.
import { renameSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { diffSpecs } from "../src/index.js";
import { change, diffEdited, editJson, editYaml, kinds, realSpec } from "./fixtures.js";

const bothBotCompleted = ["callback/bot.completed", "webhook/bot.completed"];
const cronofyEvents = ["meeting_agent_activated", "meeting_agent_complete", "meeting_agent_failed"];
const svixEvents = [
  "webhook/bot.status_change",
  "webhook/bot.completed",
  "webhook/bot.failed",
  "webhook/bot.chat_message",
  "webhook/calendar.connection_created",
  "webhook/calendar.connection_updated",
  "webhook/calendar.connection_deleted",
  "webhook/calendar.events_synced",
  "webhook/calendar.event_created",
  "webhook/calendar.event_updated",
  "webhook/calendar.event_cancelled",
];

describe("an identical contract", () => {
  it.each(["cronofy", "meetingbaas"] as const)(
    "%s: a copy of the contract has no changes",
    async (provider) => {
      const diff = await diffEdited(provider, () => {});
      expect(diff.changes).toEqual([]);
      expect(diff).toMatchObject({ breaking: 0, safe: 0 });
      expect(diff.events.length).toBeGreaterThan(0);
    },
  );

  it("a $ref replaced by the schema it points at, or moved to another file, is not a change", async () => {
    const diff = await diffEdited("meetingbaas", (root) => {
      const extra = { title: "Extra", description: "", "x-source": [] as string[], type: ["object", "null"] };
      editJson(root, "meetingbaas/schemas/common/extra.json", (schema) => {
        extra.description = schema.description;
        extra["x-source"] = schema["x-source"];
      });
      editJson(root, "meetingbaas/schemas/bot.completed.json", (schema) => {
        schema.properties.extra = extra;
      });
      renameSync(
        join(root, "meetingbaas/schemas/common/error-code.json"),
        join(root, "meetingbaas/schemas/common/bot-error-code.json"),
      );
      editJson(root, "meetingbaas/schemas/bot.failed.json", (schema) => {
        schema.properties.data.properties.error_code.$ref = "./common/bot-error-code.json";
      });
      editYaml(root, "meetingbaas/openapi.yaml", (document) => {
        document.components.schemas.ErrorCode.$ref = "./schemas/common/bot-error-code.json";
      });
    });
    expect(diff.changes).toEqual([]);
  });
});

describe("breaking for receivers", () => {
  it("a field removed", async () => {
    const diff = await diffEdited("meetingbaas", (root) =>
      editJson(root, "meetingbaas/schemas/bot.completed.json", (schema) => {
        const data = schema.properties.data;
        delete data.properties.transcription_provider;
        data.required = data.required.filter((name: string) => name !== "transcription_provider");
      }),
    );
    expect(kinds(diff)).toEqual(
      bothBotCompleted.map((event) =>
        change(event, "/data/transcription_provider", "property-removed", "breaking"),
      ),
    );
    expect(diff.changes[0]?.message).toMatch(
      /`transcription_provider` removed: receivers that read the field/,
    );
  });

  it("a field made optional (removed from required)", async () => {
    const diff = await diffEdited("meetingbaas", (root) =>
      editJson(root, "meetingbaas/schemas/bot.chat_message.json", (schema) => {
        schema.properties.data.required = schema.properties.data.required.filter(
          (n: string) => n !== "sent_at",
        );
      }),
    );
    expect(kinds(diff)).toEqual([
      change("webhook/bot.chat_message", "/data/sent_at", "property-optional", "breaking"),
    ]);
  });

  it("a field made nullable", async () => {
    const diff = await diffEdited("meetingbaas", (root) =>
      editJson(root, "meetingbaas/schemas/bot.status_change.json", (schema) => {
        schema.properties.data.properties.bot_id.type = ["string", "null"];
      }),
    );
    expect(kinds(diff)).toEqual([
      change("webhook/bot.status_change", "/data/bot_id", "nullable-added", "breaking"),
    ]);
  });

  it("a type changed (integer to string)", async () => {
    const diff = await diffEdited("cronofy", (root) =>
      editJson(root, "cronofy/schemas/common/recording.json", (schema) => {
        schema.properties.duration_seconds.type = "string";
        delete schema.properties.duration_seconds.minimum;
      }),
    );
    expect(kinds(diff)).toEqual(
      cronofyEvents.map((event) =>
        change(event, "/meeting_agent/details/recording/duration_seconds", "type-changed", "breaking"),
      ),
    );
    expect(diff.changes[0]?.message).toMatch(/from integer to string/);
  });

  it("a type widened (integer to number)", async () => {
    const diff = await diffEdited("meetingbaas", (root) =>
      editJson(root, "meetingbaas/schemas/bot.completed.json", (schema) => {
        schema.properties.data.properties.duration_seconds.type = ["number", "null"];
      }),
    );
    expect(kinds(diff)).toEqual(
      bothBotCompleted.map((event) => change(event, "/data/duration_seconds", "type-widened", "breaking")),
    );
  });

  it("a known value removed from an open list", async () => {
    const diff = await diffEdited("meetingbaas", (root) =>
      editJson(root, "meetingbaas/schemas/common/bot-status-code.json", (schema) => {
        schema.anyOf[0].enum = schema.anyOf[0].enum.filter((code: string) => code !== "pickup_delayed");
      }),
    );
    expect(kinds(diff)).toEqual([
      change("webhook/bot.status_change", "/data/status/code", "open-list-value-removed", "breaking"),
    ]);
    expect(diff.changes[0]?.message).toMatch(/"pickup_delayed"/);
  });

  it("a value added to a closed list", async () => {
    const diff = await diffEdited("meetingbaas", (root) =>
      editJson(root, "meetingbaas/schemas/bot.status_change.json", (schema) => {
        delete schema.properties.event.const;
        schema.properties.event.enum = ["bot.status_change", "bot.status_changed"];
      }),
    );
    expect(kinds(diff)).toEqual([
      change("webhook/bot.status_change", "/event", "enum-value-added", "breaking"),
    ]);
  });

  it("a value removed from a closed list, or a constant changed", async () => {
    const diff = await diffEdited("cronofy", (root) =>
      editJson(root, "cronofy/schemas/meeting_agent_failed.json", (schema) => {
        schema.properties.notification.properties.type.const = "event_notification";
      }),
    );
    expect(kinds(diff)).toEqual([
      change("meeting_agent_failed", "/notification/type", "const-changed", "breaking"),
    ]);
  });

  it("a closed list opened", async () => {
    const diff = await diffEdited("cronofy", (root) =>
      editJson(root, "cronofy/schemas/meeting_agent_failed.json", (schema) => {
        const type = schema.properties.notification.properties.type;
        delete type.const;
        type.anyOf = [{ type: "string", enum: ["event_subscription"] }, { type: "string" }];
      }),
    );
    expect(kinds(diff)).toEqual([
      change("meeting_agent_failed", "/notification/type", "list-opened", "breaking"),
    ]);
  });

  it("an event removed", async () => {
    const diff = await diffEdited("meetingbaas", (root) =>
      editYaml(root, "meetingbaas/openapi.yaml", (document) => {
        delete document.webhooks["webhook/calendar.event_cancelled"];
      }),
    );
    expect(kinds(diff)).toEqual([
      change("webhook/calendar.event_cancelled", "", "event-removed", "breaking", "event"),
    ]);
  });

  it("a signature header changed", async () => {
    const diff = await diffEdited("meetingbaas", (root) =>
      editYaml(root, "meetingbaas/openapi.yaml", (document) => {
        // Only v1 signatures from now on: narrower, yet a receiver's parser sees another header.
        document.components.parameters.SvixSignature.schema.pattern = "^v1,[A-Za-z0-9+/]+={0,2}$";
      }),
    );
    expect(kinds(diff)).toEqual(
      svixEvents.map((event) =>
        change(event, "/svix-signature", "signature-header-changed", "breaking", "header"),
      ),
    );
  });

  it("the signature scheme renamed: header removed, scheme changed", async () => {
    const diff = await diffEdited("cronofy", (root) =>
      editYaml(root, "cronofy/openapi.yaml", (document) => {
        document.components.securitySchemes.cronofyHmac.name = "Cronofy-HMAC-SHA512";
        document.components.parameters.CronofyHmacSha256.name = "Cronofy-HMAC-SHA512";
      }),
    );
    // Breaking changes come first, then safe ones, each in the order found.
    expect(kinds(diff)).toEqual([
      ...cronofyEvents.flatMap((event) => [
        change(event, "/cronofy-hmac-sha256", "security-changed", "breaking", "security"),
        change(event, "/cronofy-hmac-sha512", "security-changed", "breaking", "security"),
        change(event, "/cronofy-hmac-sha256", "header-removed", "breaking", "header"),
      ]),
      ...cronofyEvents.map((event) =>
        change(event, "/cronofy-hmac-sha512", "header-added", "safe", "header"),
      ),
    ]);
  });

  it("authentication dropped", async () => {
    const diff = await diffEdited("meetingbaas", (root) =>
      editYaml(root, "meetingbaas/openapi.yaml", (document) => {
        document.webhooks["webhook/bot.failed"].post.security = [{}];
      }),
    );
    expect(kinds(diff)).toEqual([
      change("webhook/bot.failed", "/svix-signature", "security-changed", "breaking", "security"),
      change("webhook/bot.failed", "", "security-changed", "breaking", "security"),
    ]);
    expect(diff.changes.map((c) => c.message).join("\n")).toMatch(/may now arrive without authentication/);
  });

  it("a format changed or removed", async () => {
    const diff = await diffEdited("meetingbaas", (root) =>
      editJson(root, "meetingbaas/schemas/bot.chat_message.json", (schema) => {
        schema.properties.data.properties.bot_id.format = "uri";
        delete schema.properties.data.properties.sent_at.format;
      }),
    );
    expect(kinds(diff)).toEqual([
      change("webhook/bot.chat_message", "/data/bot_id", "format-changed", "breaking"),
      change("webhook/bot.chat_message", "/data/sent_at", "format-removed", "breaking"),
    ]);
  });

  it("a header made optional", async () => {
    const diff = await diffEdited("meetingbaas", (root) =>
      editYaml(root, "meetingbaas/openapi.yaml", (document) => {
        document.components.parameters.SvixId.required = false;
      }),
    );
    expect(kinds(diff)).toEqual(
      svixEvents.map((event) => change(event, "/svix-id", "header-optional", "breaking", "header")),
    );
  });

  it("a bound relaxed", async () => {
    const diff = await diffEdited("cronofy", (root) =>
      editJson(root, "cronofy/schemas/common/calendar-event.json", (schema) => {
        delete schema.properties.tzid.minLength;
      }),
    );
    expect(kinds(diff)).toEqual(
      cronofyEvents.map((event) => change(event, "/event/tzid", "constraint-relaxed", "breaking")),
    );
  });

  it("a keyword this tool does not model changed", async () => {
    const diff = await diffEdited("meetingbaas", (root) =>
      editJson(root, "meetingbaas/schemas/bot.chat_message.json", (schema) => {
        schema.properties.data.properties.text.not = { const: "" };
      }),
    );
    expect(kinds(diff)).toEqual([
      change("webhook/bot.chat_message", "/data/text", "keyword-changed", "breaking"),
    ]);
  });

  it("a request body made optional", async () => {
    const diff = await diffEdited("meetingbaas", (root) =>
      editYaml(root, "meetingbaas/openapi.yaml", (document) => {
        document.components.requestBodies.BotChatMessage.required = false;
      }),
    );
    expect(kinds(diff)).toEqual([change("webhook/bot.chat_message", "", "body-optional", "breaking")]);
  });
});

describe("safe for receivers", () => {
  it("a new optional field", async () => {
    const diff = await diffEdited("meetingbaas", (root) =>
      editJson(root, "meetingbaas/schemas/bot.completed.json", (schema) => {
        schema.properties.data.properties.recording_id = {
          description: "The id of the recording at the meeting platform.",
          type: "string",
        };
      }),
    );
    expect(kinds(diff)).toEqual(
      bothBotCompleted.map((event) => change(event, "/data/recording_id", "property-added", "safe")),
    );
    expect(diff.breaking).toBe(0);
  });

  it("an existing field made required", async () => {
    const diff = await diffEdited("cronofy", (root) =>
      editJson(root, "cronofy/schemas/common/meeting-agent.json", (schema) => {
        schema.required.push("details");
      }),
    );
    // meeting_agent_complete describes its own meeting_agent, which already requires details.
    expect(kinds(diff)).toEqual(
      ["meeting_agent_activated", "meeting_agent_failed"].map((event) =>
        change(event, "/meeting_agent/details", "property-required", "safe"),
      ),
    );
  });

  it("a new required field", async () => {
    const diff = await diffEdited("meetingbaas", (root) =>
      editJson(root, "meetingbaas/schemas/bot.chat_message.json", (schema) => {
        schema.properties.data.properties.thread_id = { description: "The chat thread.", type: "string" };
        schema.properties.data.required.push("thread_id");
      }),
    );
    expect(kinds(diff)).toEqual([
      change("webhook/bot.chat_message", "/data/thread_id", "property-added", "safe"),
    ]);
    expect(diff.changes[0]?.message).toMatch(/\(required\)/);
  });

  it("a new value in an open list, reported once although the schema reaches it twice", async () => {
    const diff = await diffEdited("cronofy", (root) =>
      editJson(root, "cronofy/schemas/common/failure-subtype.json", (schema) => {
        schema.anyOf[0].enum.push("recording_consent_denied");
      }),
    );
    expect(kinds(diff)).toEqual(
      cronofyEvents.map((event) =>
        change(event, "/notification/interactions/*/subtype", "open-list-value-added", "safe"),
      ),
    );
  });

  it("a new event", async () => {
    const diff = await diffEdited("meetingbaas", (root) =>
      editYaml(root, "meetingbaas/openapi.yaml", (document) => {
        const copy = structuredClone(document.webhooks["webhook/bot.chat_message"]);
        copy.post.operationId = "meetingBaasBotTranscriptReady";
        document.webhooks["webhook/bot.transcript_ready"] = copy;
      }),
    );
    expect(kinds(diff)).toEqual([change("webhook/bot.transcript_ready", "", "event-added", "safe", "event")]);
  });

  it("documentation: descriptions, titles, summaries and examples", async () => {
    const diff = await diffEdited("meetingbaas", (root) => {
      editJson(root, "meetingbaas/schemas/common/bot-status-code.json", (schema) => {
        schema.description = "Where the bot is in its lifecycle.";
        schema.anyOf[1].description = "A status code added later.";
      });
      editYaml(root, "meetingbaas/openapi.yaml", (document) => {
        const operation = document.webhooks["webhook/bot.status_change"].post;
        operation.summary = "Bot status change";
        document.components.requestBodies.BotStatusChange.content[
          "application/json"
        ].examples.joiningCall.summary = "Joining";
        document.components.parameters.SvixId.description = "The message id.";
      });
    });
    expect(diff.breaking).toBe(0);
    expect(new Set(diff.changes.map((c) => c.kind))).toEqual(new Set(["docs-changed"]));
    expect(kinds(diff).filter((c) => c.event === "webhook/bot.status_change")).toEqual([
      change("webhook/bot.status_change", "", "docs-changed", "safe", "event"),
      change("webhook/bot.status_change", "/svix-id", "docs-changed", "safe", "header"),
      change("webhook/bot.status_change", "", "docs-changed", "safe", "body"),
      change("webhook/bot.status_change", "/data/status/code", "docs-changed", "safe", "body"),
    ]);
  });

  it("a narrower type (number to integer)", async () => {
    const toNumber = (root: string) =>
      editJson(root, "meetingbaas/schemas/bot.completed.json", (schema) => {
        schema.properties.data.properties.duration_seconds.type = ["number", "null"];
      });
    const diff = await diffEdited("meetingbaas", () => {}, toNumber);
    expect(kinds(diff)).toEqual(
      bothBotCompleted.map((event) => change(event, "/data/duration_seconds", "type-narrowed", "breaking")),
    );
  });

  it("null no longer sent", async () => {
    const diff = await diffEdited("meetingbaas", (root) =>
      editJson(root, "meetingbaas/schemas/bot.chat_message.json", (schema) => {
        schema.properties.data.properties.sender_id.type = "integer";
      }),
    );
    expect(kinds(diff)).toEqual([
      change("webhook/bot.chat_message", "/data/sender_id", "nullable-removed", "safe"),
    ]);
  });

  it("a format added, a bound tightened", async () => {
    const diff = await diffEdited("meetingbaas", (root) =>
      editJson(root, "meetingbaas/schemas/bot.chat_message.json", (schema) => {
        schema.properties.data.properties.message_id.format = "uuid";
        schema.properties.data.properties.text.maxLength = 4096;
      }),
    );
    expect(kinds(diff)).toEqual([
      change("webhook/bot.chat_message", "/data/message_id", "format-added", "safe"),
      change("webhook/bot.chat_message", "/data/text", "constraint-tightened", "safe"),
    ]);
  });
});

describe("reading contracts", () => {
  it("a recursive schema is compared without looping, each change once", async () => {
    const recursive = (root: string) =>
      editJson(root, "meetingbaas/schemas/common/participant.json", (schema) => {
        schema.properties.invited_by = { $ref: "./participant.json" };
      });
    const diff = await diffEdited(
      "meetingbaas",
      (root) => {
        recursive(root);
        editJson(root, "meetingbaas/schemas/common/participant.json", (schema) => {
          schema.properties.name.type = ["string", "null"];
        });
      },
      recursive,
    );
    const paths = diff.changes.filter((c) => c.event === "webhook/bot.completed").map((c) => c.path);
    expect(paths).toEqual(["/data/participants/*/name", "/data/speakers/*/name"]);
  });

  it("cannot-read problems are errors with a code, not empty reports", async () => {
    await expect(diffSpecs(realSpec("cronofy"), "/nonexistent/openapi.yaml")).rejects.toMatchObject({
      code: "not_found",
    });
    await expect(
      diffSpecs(realSpec("cronofy"), realSpec("cronofy").replace("openapi", "asyncapi")),
    ).rejects.toMatchObject({ code: "not_openapi" });
    await expect(
      diffEdited("cronofy", (root) =>
        editJson(root, "cronofy/schemas/meeting_agent_failed.json", (schema) => {
          schema.properties.event.$ref = "./common/no-such-file.json";
        }),
      ),
    ).rejects.toMatchObject({ code: "not_found" });
    await expect(
      diffEdited("cronofy", (root) =>
        editYaml(root, "cronofy/openapi.yaml", (document) => {
          document.components.requestBodies.MeetingAgentFailed.content["application/json"].schema.$ref =
            "#/components/schemas/Nope";
        }),
      ),
    ).rejects.toMatchObject({ code: "ref_not_found", pointer: expect.stringContaining("/schema") });
  });
});

describe("a webhook sent with several methods (Meeting BaaS callbacks: POST and PUT)", () => {
  it("a method dropped is breaking, a method added too", async () => {
    const dropped = await diffEdited("meetingbaas", (root) =>
      editYaml(root, "meetingbaas/openapi.yaml", (document) => {
        delete document.webhooks["callback/bot.failed"].put;
      }),
    );
    expect(kinds(dropped)).toEqual([
      change("callback/bot.failed", "", "method-removed", "breaking", "event"),
    ]);
    const added = await diffEdited(
      "meetingbaas",
      () => {},
      (root) =>
        editYaml(root, "meetingbaas/openapi.yaml", (document) => {
          delete document.webhooks["callback/bot.failed"].put;
        }),
    );
    expect(kinds(added)).toEqual([change("callback/bot.failed", "", "method-added", "breaking", "event")]);
    expect(added.changes[0]?.message).toMatch(/now also sent with PUT/);
  });

  it("a change every method shares is reported once, one of a single method names it", async () => {
    const diff = await diffEdited("meetingbaas", (root) =>
      editYaml(root, "meetingbaas/openapi.yaml", (document) => {
        document.webhooks["callback/bot.failed"].put.summary = "Bot failed (callback sent with PUT)";
        document.components.parameters.XMbSecret.required = true;
      }),
    );
    expect(kinds(diff)).toEqual([
      change("callback/bot.completed", "/x-mb-secret", "header-required", "safe", "header"),
      change("callback/bot.failed", "", "docs-changed", "safe", "event"),
      change("callback/bot.failed", "/x-mb-secret", "header-required", "safe", "header"),
    ]);
    expect(diff.changes.find((c) => c.kind === "docs-changed")?.message).toMatch(/^PUT: summary changed/);
    expect(diff.changes.find((c) => c.kind === "header-required")?.message).not.toMatch(/^(POST|PUT): /);
  });
});
