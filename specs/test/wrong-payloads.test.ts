// Hand-picked wrong payloads, each a realistic mistake, must be refused with the pointer of the offending field.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createSpecAjv, readJson, schemaIssues, specsDir, validatorFor } from "../src/index.js";

const ajv = createSpecAjv();

type Payload = Record<string, any>;
function example(path: string): Payload {
  return structuredClone(readJson(join(specsDir, path))) as Payload;
}

interface Case {
  name: string;
  schema: string;
  example: string;
  mutate: (p: Payload) => void;
  pointer: string;
}

const cases: Case[] = [
  {
    name: "bot.completed without data.sent_at",
    schema: "meetingbaas/schemas/bot.completed.json",
    example: "meetingbaas/examples/bot.completed.json",
    mutate: (p) => delete p.data.sent_at,
    pointer: "/data/sent_at",
  },
  {
    name: "bot.completed with the provider page's placeholder bot_id",
    schema: "meetingbaas/schemas/bot.completed.json",
    example: "meetingbaas/examples/bot.completed.json",
    mutate: (p) => {
      p.data.bot_id = "examplebot_id";
    },
    pointer: "/data/bot_id",
  },
  {
    name: "bot.completed with a string duration_seconds",
    schema: "meetingbaas/schemas/bot.completed.json",
    example: "meetingbaas/examples/bot.completed.json",
    mutate: (p) => {
      p.data.duration_seconds = "1620";
    },
    pointer: "/data/duration_seconds",
  },
  {
    name: "bot.completed with a negative duration_seconds",
    schema: "meetingbaas/schemas/bot.completed.json",
    example: "meetingbaas/examples/bot.completed.json",
    mutate: (p) => {
      p.data.duration_seconds = -5;
    },
    pointer: "/data/duration_seconds",
  },
  {
    name: "bot.completed with the placeholder sent_at",
    schema: "meetingbaas/schemas/bot.completed.json",
    example: "meetingbaas/examples/bot.completed.json",
    mutate: (p) => {
      p.data.sent_at = "examplesent_at";
    },
    pointer: "/data/sent_at",
  },
  {
    name: "bot.completed with the placeholder event name",
    schema: "meetingbaas/schemas/bot.completed.json",
    example: "meetingbaas/examples/bot.completed.json",
    mutate: (p) => {
      p.event = "exampleevent";
    },
    pointer: "/event",
  },
  {
    name: "bot.completed without extra",
    schema: "meetingbaas/schemas/bot.completed.json",
    example: "meetingbaas/examples/bot.completed.json",
    mutate: (p) => delete p.extra,
    pointer: "/extra",
  },
  {
    name: "bot.completed with a participant id as a string",
    schema: "meetingbaas/schemas/bot.completed.json",
    example: "meetingbaas/examples/bot.completed.json",
    mutate: (p) => {
      p.data.participants[0].id = "1";
    },
    pointer: "/data/participants/0/id",
  },
  {
    name: "bot.failed without error_code",
    schema: "meetingbaas/schemas/bot.failed.json",
    example: "meetingbaas/examples/bot.failed.json",
    mutate: (p) => delete p.data.error_code,
    pointer: "/data/error_code",
  },
  {
    name: "bot.status_change without status.created_at",
    schema: "meetingbaas/schemas/bot.status_change.json",
    example: "meetingbaas/examples/bot.status_change.json",
    mutate: (p) => delete p.data.status.created_at,
    pointer: "/data/status/created_at",
  },
  {
    name: "calendar.event_created with a start that is not a date-time",
    schema: "meetingbaas/schemas/calendar.event_created.json",
    example: "meetingbaas/examples/calendar.event_created.json",
    mutate: (p) => {
      p.data.instances[0].start = "tomorrow 10am";
    },
    pointer: "/data/instances/0/start",
  },
  {
    name: "Cronofy callback with interactions as an object instead of an array",
    schema: "cronofy/schemas/meeting_agent_complete.json",
    example: "cronofy/examples/meeting_agent_complete.json",
    mutate: (p) => {
      p.notification.interactions = { type: "meeting_agent_complete" };
    },
    pointer: "/notification/interactions",
  },
  {
    name: "meeting_agent_complete whose details have a recording without its duration",
    schema: "cronofy/schemas/meeting_agent_complete.json",
    example: "cronofy/examples/meeting_agent_complete.json",
    mutate: (p) => delete p.meeting_agent.details.recording.duration_seconds,
    pointer: "/meeting_agent/details/recording/duration_seconds",
  },
  {
    name: "meeting_agent_failed whose interaction has no subtype",
    schema: "cronofy/schemas/meeting_agent_failed.json",
    example: "cronofy/examples/meeting_agent_failed.json",
    mutate: (p) => delete p.notification.interactions[0].subtype,
    pointer: "/notification/interactions",
  },
  {
    name: "a Cronofy callback with a meeting agent id that is not agt_…",
    schema: "cronofy/schemas/meeting_agent_activated.json",
    example: "cronofy/examples/meeting_agent_activated.json",
    mutate: (p) => {
      p.meeting_agent.sub = "692702a100ccd07000000000";
    },
    pointer: "/meeting_agent/sub",
  },
  {
    name: "a Cronofy resource whose url is relative",
    schema: "cronofy/schemas/meeting_agent_complete.json",
    example: "cronofy/examples/meeting_agent_complete.json",
    mutate: (p) => {
      p.meeting_agent.resources[1].url = "/v1/meeting_agents/resources/transcript";
    },
    pointer: "/meeting_agent/resources/1/url",
  },
];

describe("a wrong payload", () => {
  it.each(cases.map((c) => [c.name, c] as const))("%s is refused at the offending field", (_, c) => {
    const payload = example(c.example);
    const validate = validatorFor(ajv, c.schema);
    expect(validate(payload)).toBe(true); // the untouched example is valid, so the mutation is what fails
    c.mutate(payload);
    expect(validate(payload)).toBe(false);
    expect(schemaIssues(validate.errors).map((issue) => issue.pointer)).toContain(c.pointer);
  });
});

describe("a future-proof payload", () => {
  it("with unknown properties at every level is still valid", () => {
    const payload = example("meetingbaas/examples/bot.completed.json");
    payload.webhook_version = 3;
    payload.data.recording_mode = "speaker_view";
    payload.data.participants[0].email = "ana@acme.example";
    expect(validatorFor(ajv, "meetingbaas/schemas/bot.completed.json")(payload)).toBe(true);
  });

  it("with an unknown status code, error code or failure subtype is still valid", () => {
    const status = example("meetingbaas/examples/bot.status_change.json");
    status.data.status.code = "bot_paused_by_host";
    expect(validatorFor(ajv, "meetingbaas/schemas/bot.status_change.json")(status)).toBe(true);
    const failed = example("meetingbaas/examples/bot.failed.json");
    failed.data.error_code = "ZOOM_SDK_RATE_LIMITED";
    expect(validatorFor(ajv, "meetingbaas/schemas/bot.failed.json")(failed)).toBe(true);
    const cronofy = example("cronofy/examples/meeting_agent_failed.json");
    cronofy.notification.interactions[0].subtype = "recording_consent_declined";
    expect(validatorFor(ajv, "cronofy/schemas/meeting_agent_failed.json")(cronofy)).toBe(true);
  });

  it("with timestamps in any RFC 3339 offset is valid, and without an offset is not", () => {
    const payload = example("meetingbaas/examples/bot.completed.json");
    const validate = validatorFor(ajv, "meetingbaas/schemas/bot.completed.json");
    payload.data.sent_at = "2026-11-24T17:02:11.482+05:30";
    expect(validate(payload)).toBe(true);
    payload.data.sent_at = "2026-11-24T17:02:11";
    expect(validate(payload)).toBe(false);
  });
});

describe("a retry-callback body", () => {
  const validate = validatorFor(ajv, "meetingbaas/schemas/api/retry-callback-request.json");

  it("may be null, or an object with only a url (method and secret have defaults)", () => {
    expect(validate(null)).toBe(true);
    expect(validate({ url: "https://staging.acme-meetings.com/webhooks/meetingbaas" })).toBe(true);
  });

  it("without a url is refused at /url", () => {
    expect(validate({ method: "PUT", secret: null })).toBe(false);
    expect(schemaIssues(validate.errors).map((issue) => issue.pointer)).toContain("/url");
  });
});

describe("a Meeting BaaS API error", () => {
  it("is the provider's ErrorResponse: error, code and statusCode, not an invented shape", () => {
    const validate = validatorFor(ajv, "meetingbaas/schemas/api/api-error.json");
    expect(
      validate({
        success: false,
        error: "Bot with ID 'a74c56d8-df63-4770-9131-1de843b589f1' not found",
        code: "FST_ERR_BOT_NOT_FOUND_BY_ID",
        statusCode: 404,
      }),
    ).toBe(true);
    expect(validate({ success: false, code: "BOT_NOT_FOUND", message: "No bot." })).toBe(false);
  });
});
