import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  createSpecAjv,
  listJsonFiles,
  loadNamedSchemas,
  loadWebhooks,
  providers,
  readJson,
  schemaIssues,
  schemaPathForExample,
  specsDir,
  validatorFor,
} from "../src/index.js";

const ajv = createSpecAjv();
const exampleFiles = providers.flatMap((provider) => listJsonFiles(provider, "examples"));

describe("every example file", () => {
  it.each(exampleFiles)("%s validates against its schema", (examplePath) => {
    const validate = validatorFor(ajv, schemaPathForExample(examplePath));
    const valid = validate(readJson(join(specsDir, examplePath)));
    expect(schemaIssues(validate.errors)).toEqual([]);
    expect(valid).toBe(true);
  });

  it.each(exampleFiles)("%s is referenced by its provider's OpenAPI document", (examplePath) => {
    const provider = examplePath.split("/")[0] as (typeof providers)[number];
    const referenced = new Set(loadWebhooks(provider).flatMap((w) => w.examples));
    const isArtifact = loadNamedSchemas(provider).some(
      (s) =>
        s.schemaPath === schemaPathForExample(examplePath) &&
        !loadWebhooks(provider).some((w) => w.schemaPath === s.schemaPath),
    );
    // Artifact examples are not webhook bodies; they only need a named schema to illustrate.
    expect(isArtifact || referenced.has(join(specsDir, examplePath))).toBe(true);
  });

  it("uses none of the provider pages' placeholder values", () => {
    for (const examplePath of exampleFiles) {
      const text = JSON.stringify(readJson(join(specsDir, examplePath)));
      expect(text, examplePath).not.toMatch(/"example[a-z_]+"|https:\/\/\.\.\./);
    }
  });
});

describe("every webhook", () => {
  const webhooks = providers.flatMap((provider) => loadWebhooks(provider));

  it.each(webhooks.map((w) => [`${w.provider} ${w.key}`, w] as const))(
    "%s has an operationId, a summary, a description and an example",
    (_, webhook) => {
      expect(webhook.operationId).toMatch(/^[a-z][A-Za-z0-9]+$/);
      expect(webhook.summary.length).toBeGreaterThan(0);
      expect(webhook.description.length).toBeGreaterThan(20);
      expect(webhook.examples.length).toBeGreaterThan(0);
    },
  );

  it("has an operationId unique across both providers", () => {
    const ids = webhooks.map((w) => w.operationId);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
