// A small contract and a small official-shaped OpenAPI document that agree once the conventions are applied, for
// the upstream tests to mutate. The official side is written as the provider's generator writes it: closed objects,
// `$id`s, the Z-only date-time and UUID patterns, safe-integer bounds, closed enums, and a union of two diarization
// variants.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { stringify } from "yaml";
import { uuidPattern, zuluDateTimePattern } from "../src/index.js";

type Json = Record<string, any>;

const openList = (values: string[]) => ({ anyOf: [{ type: "string", enum: values }, { type: "string" }] });

export const contractFiles: Record<string, Json> = {
  "acme/schemas/thing.completed.json": {
    title: "ThingCompleted",
    description: "A thing is done.",
    type: "object",
    required: ["event", "data"],
    properties: {
      event: { type: "string", const: "thing.completed" },
      data: {
        type: "object",
        required: ["thing_id", "status", "sent_at", "count", "owner"],
        properties: {
          thing_id: { type: "string", format: "uuid" },
          status: openList(["done", "failed"]),
          code: { ...openList(["E_ONE", "E_TWO"]), description: "Known from the provider's error page." },
          sent_at: { type: "string", format: "date-time" },
          count: { type: ["integer", "null"], minimum: 0 },
          owner: { $ref: "./common/owner.json" },
        },
      },
    },
  },
  "acme/schemas/common/owner.json": {
    title: "Owner",
    type: "object",
    required: ["name"],
    properties: { name: { type: "string" }, tags: { type: "array", items: { type: "string" } } },
  },
  "acme/schemas/segment.json": {
    title: "Segment",
    type: "object",
    required: ["speaker", "start_time"],
    properties: {
      speaker: { type: "string" },
      start_time: { type: "number" },
      user_id: { type: ["integer", "null"] },
      lang: { type: "string" },
    },
  },
};

const stamp = (name: string) => ({
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: `#/components/schemas/${name}`,
});
const safeInteger = { type: "integer", minimum: -9007199254740991, maximum: 9007199254740991 };

/** The provider's document, agreeing with `contractFiles` but for the conventions. */
export function officialDocument(): Json {
  return {
    openapi: "3.1.0",
    info: { title: "Acme API", version: "2.0.0" },
    components: {
      schemas: {
        ThingWebhookCompleted: {
          ...stamp("ThingWebhookCompleted"),
          description: "Sent when a thing is done.",
          type: "object",
          additionalProperties: false,
          required: ["event", "data"],
          properties: {
            event: { type: "string", const: "thing.completed" },
            data: {
              type: "object",
              additionalProperties: false,
              required: ["thing_id", "status", "sent_at", "count", "owner"],
              properties: {
                thing_id: { type: "string", format: "uuid", pattern: uuidPattern },
                status: { type: "string", enum: ["done", "failed"], description: "The outcome." },
                code: { type: "string" },
                sent_at: { type: "string", format: "date-time", pattern: zuluDateTimePattern },
                count: { anyOf: [{ ...safeInteger, minimum: 0 }, { type: "null" }] },
                owner: { $ref: "#/components/schemas/Owner" },
              },
            },
          },
        },
        Owner: {
          ...stamp("Owner"),
          type: "object",
          additionalProperties: false,
          propertyNames: { type: "string" },
          required: ["name"],
          properties: { name: { type: "string" }, tags: { type: "array", items: { type: "string" } } },
        },
        Segment: {
          ...stamp("Segment"),
          anyOf: [
            { $ref: "#/components/schemas/ZoomSegment" },
            { $ref: "#/components/schemas/TeamsSegment" },
          ],
        },
        ZoomSegment: {
          ...stamp("ZoomSegment"),
          type: "object",
          additionalProperties: false,
          required: ["speaker", "start_time", "user_id"],
          properties: {
            speaker: { type: "string" },
            start_time: { type: "number" },
            user_id: { anyOf: [safeInteger, { type: "null" }] },
            lang: { type: "string" },
          },
        },
        TeamsSegment: {
          ...stamp("TeamsSegment"),
          type: "object",
          additionalProperties: false,
          required: ["speaker", "start_time"],
          properties: { speaker: { type: "string" }, start_time: { type: "number" } },
        },
        ListThingsResponse: { ...stamp("ListThingsResponse"), type: "object", properties: { things: {} } },
      },
    },
  };
}

export function mapping(extra: Json = {}): Json {
  return {
    provider: "acme",
    document: "acme docs: openapi.json",
    mapped: [
      {
        official: ["ThingWebhookCompleted"],
        contract: "acme/schemas/thing.completed.json",
        reason: "the delivery",
      },
      { official: "Owner", contract: "acme/schemas/common/owner.json", reason: "shared" },
      { official: ["Segment"], contract: "acme/schemas/segment.json", reason: "an artifact line" },
    ],
    ignored: [
      { official: ["ZoomSegment", "TeamsSegment"], reason: "compared through Segment" },
      { official: ["List*"], reason: "API answers" },
    ],
    known: [],
    ...extra,
  };
}

/** Writes the contract (and the mapping, under `acme/upstream.yaml`) into a specs folder. */
export function writeSpecs(dir: string, map: Json = mapping()): string {
  for (const [path, schema] of Object.entries(contractFiles)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), JSON.stringify(schema, null, 2));
  }
  writeFileSync(join(dir, "acme", "upstream.yaml"), stringify(map));
  return dir;
}
