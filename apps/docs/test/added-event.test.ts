// Adding an event to a spec is all it takes for the docs to show it: a temporary copy of the specs gets one more
// Cronofy webhook (schema, example, OpenAPI webhook, AsyncAPI message and operation) and the copy's own
// catalog API, handed to the site builder, brings it into the catalog and the page.
import { cpSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { readYaml, specsDir } from "@meeting-webhooks/specs";
import { makeTempDir } from "@meeting-webhooks/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderCatalogPage } from "../src/catalog-page.js";
import { type ContractSource, type Json, repositoryContracts } from "../src/contracts.js";
import { loadEventCatalog } from "../src/event-catalog.js";

const event = "meeting_agent_recording_started";

const schema = {
  title: "MeetingAgentRecordingStarted",
  description: "Sent when a Meeting Agent starts recording (an event added by this test only).",
  type: "object",
  required: ["notification"],
  properties: {
    notification: {
      description: "What happened.",
      type: "object",
      properties: { type: { description: "The notification type.", type: "string" } },
    },
  },
};

const example = { notification: { type: event, recording_started_at: "2026-11-24T15:31:12Z" } };

function addWebhook(openapi: Json): void {
  (openapi.webhooks as Json)[event] = {
    post: {
      operationId: "cronofyMeetingAgentRecordingStarted",
      summary: "Meeting Agent recording started",
      description: "Fires when the Meeting Agent starts recording, after it was admitted.",
      tags: ["Meeting Agent callbacks"],
      security: [{ cronofyHmac: [] }],
      parameters: [{ $ref: "#/components/parameters/CronofyHmacSha256" }],
      requestBody: {
        required: true,
        content: {
          "application/json": {
            schema: { $ref: `./schemas/${event}.json` },
            examples: {
              started: { summary: "Recording a Zoom call", externalValue: `./examples/${event}.json` },
            },
          },
        },
      },
      responses: { "2XX": { $ref: "#/components/responses/Acknowledged" } },
    },
  };
}

function addOperation(asyncapi: Json): void {
  const channels = asyncapi.channels as Record<string, Json>;
  const [channelName, channel] = Object.entries(channels)[0] ?? [];
  if (!channelName || !channel) throw new Error("the Cronofy AsyncAPI document has no channel");
  (channel.messages as Json).meetingAgentRecordingStarted = {
    $ref: "#/components/messages/meetingAgentRecordingStarted",
  };
  ((asyncapi.components as Json).messages as Json).meetingAgentRecordingStarted = {
    name: event,
    title: "Meeting Agent recording started",
    payload: { $ref: `./schemas/${event}.json` },
    examples: [{ name: "started", payload: { $ref: `./examples/${event}.json` } }],
  };
  (asyncapi.operations as Json).receiveMeetingAgentRecordingStarted = {
    action: "receive",
    channel: { $ref: `#/channels/${channelName}` },
    messages: [{ $ref: `#/channels/${channelName}/messages/meetingAgentRecordingStarted` }],
  };
}

let work: string;
let copy: ContractSource;

beforeAll(async () => {
  work = makeTempDir("meeting-webhooks-docs-added-event-").path;
  const specs = join(work, "specs");
  for (const part of ["package.json", "src", "cronofy", "meetingbaas", "common"]) {
    cpSync(join(specsDir, part), join(specs, part), { recursive: true });
  }
  // The copy's imports (yaml, ajv) resolve from the repository's node_modules.
  symlinkSync(join(dirname(specsDir), "node_modules"), join(work, "node_modules"), "dir");
  writeFileSync(join(specs, "cronofy/schemas", `${event}.json`), JSON.stringify(schema, null, 2));
  writeFileSync(join(specs, "cronofy/examples", `${event}.json`), JSON.stringify(example, null, 2));
  // JSON is YAML: the edited documents are written back as JSON under their .yaml names.
  const openapi = readYaml(join(specs, "cronofy/openapi.yaml"));
  addWebhook(openapi);
  writeFileSync(join(specs, "cronofy/openapi.yaml"), JSON.stringify(openapi, null, 2));
  const asyncapi = readYaml(join(specs, "cronofy/asyncapi.yaml"));
  addOperation(asyncapi);
  writeFileSync(join(specs, "cronofy/asyncapi.yaml"), JSON.stringify(asyncapi, null, 2));
  copy = (await import(pathToFileURL(join(specs, "src/index.ts")).href)) as ContractSource;
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("a spec with an added event", () => {
  it("is read from the copy, not from the repository", () => {
    const repository = loadEventCatalog(repositoryContracts).flatMap((p) => p.events);
    expect(repository.map((e) => e.event)).not.toContain(event);
  });

  it("brings the event into the catalog with its description, example and links", () => {
    const added = loadEventCatalog(copy)
      .flatMap((p) => p.events)
      .find((e) => e.event === event);
    expect(added).toMatchObject({
      provider: "cronofy",
      channel: "callback",
      summary: "Meeting Agent recording started",
      description: "Fires when the Meeting Agent starts recording, after it was admitted.",
      schemaTitle: "MeetingAgentRecordingStarted",
      examples: [{ name: "started", summary: "Recording a Zoom call", payload: example }],
      links: {
        openapi: "cronofy/openapi.html#/meeting-agent-callbacks/cronofymeetingagentrecordingstarted",
        asyncapi: "cronofy/asyncapi.html#operation-receive-receiveMeetingAgentRecordingStarted",
      },
    });
    expect(added?.headers.map((h) => h.name)).toEqual(["Cronofy-HMAC-SHA256"]);
  });

  it("shows up on the catalog page", () => {
    const html = renderCatalogPage(loadEventCatalog(copy));
    expect(html).toContain(`data-event="${event}"`);
    expect(html).toContain("2026-11-24T15:31:12Z");
  });
});
