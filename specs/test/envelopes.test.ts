// Every channel has an envelope, and the envelope is what every event of the channel has in common: each example of
// each webhook passes its channel's envelope, so the envelope can never refuse a delivery its event schema accepts.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  channelsOf,
  createSpecAjv,
  envelopeSchemaPath,
  loadWebhooks,
  providers,
  readJson,
  schemaIssues,
  specsDir,
  validatorFor,
} from "../src/index.js";

const ajv = createSpecAjv();

describe("envelopes", () => {
  it("exist for every provider and channel the contracts declare webhooks on", () => {
    const pairs = providers.flatMap((provider) => channelsOf(provider).map((channel) => [provider, channel]));
    expect(pairs).toEqual([
      ["cronofy", "callback"],
      ["meetingbaas", "callback"],
      ["meetingbaas", "webhook"],
    ]);
    for (const [provider, channel] of pairs) {
      expect(
        existsSync(join(specsDir, envelopeSchemaPath(provider as "cronofy", channel as "callback"))),
      ).toBe(true);
    }
  });

  const cases = providers.flatMap((provider) =>
    loadWebhooks(provider).flatMap((webhook) =>
      webhook.examples.map((file) => ({
        name: `${webhook.key} ${file.slice(specsDir.length + 1)}`,
        envelope: envelopeSchemaPath(provider, webhook.channel),
        file,
      })),
    ),
  );
  it.each(cases)("$name passes its channel's envelope", ({ envelope, file }) => {
    const validate = validatorFor(ajv, envelope);
    const valid = validate(readJson(file));
    expect(schemaIssues(validate.errors)).toEqual([]);
    expect(valid).toBe(true);
  });

  it("a bot webhook without extra fails the webhook envelope, a calendar webhook without it passes", () => {
    const validate = validatorFor(ajv, envelopeSchemaPath("meetingbaas", "webhook"));
    expect(validate({ event: "bot.new_event", data: {} })).toBe(false);
    expect(schemaIssues(validate.errors).map((issue) => issue.pointer)).toEqual(["/extra"]);
    expect(validate({ event: "calendar.new_event", data: {} })).toBe(true);
  });
});
