// The two documents of each provider describe the same deliveries: same events, same payload schema files.

import { dirname, resolve } from "node:path";
import { fromFile, Parser } from "@asyncapi/parser";
import { describe, expect, it } from "vitest";
import {
  asyncApiPath,
  bundleApi,
  bundleAsyncApi,
  bundleOpenApi,
  loadWebhooks,
  providers,
  readYaml,
} from "../src/index.js";

type Json = Record<string, any>;

function local(doc: Json, ref: string): Json {
  return ref
    .slice(2)
    .split("/")
    .reduce((node: Json, key) => node[key.replace(/~1/g, "/").replace(/~0/g, "~")], doc);
}

/** Follow `#/…` refs to the schema file an AsyncAPI message payload ends at. */
function payloadFile(doc: Json, file: string, node: Json): string {
  let current = node;
  while (typeof current.$ref === "string" && current.$ref.startsWith("#/"))
    current = local(doc, current.$ref);
  if (typeof current.$ref !== "string") throw new Error("message payload must reference a schema file");
  return resolve(dirname(file), current.$ref);
}

describe.each(providers)("the %s AsyncAPI document", (provider) => {
  it("parses with @asyncapi/parser with zero errors and zero warnings", async () => {
    const { document, diagnostics } = await fromFile(new Parser(), asyncApiPath(provider)).parse();
    // Severity 0 is an error and 1 a warning; 2 and 3 are information and hints.
    const problems = diagnostics
      .filter((d) => d.severity <= 1)
      .map((d) => `${d.code} ${d.message} at ${d.path.join("/")}`);
    expect(problems).toEqual([]);
    expect(document).toBeDefined();
    expect(
      document
        ?.operations()
        .all()
        .every((op) => op.action() === "receive"),
    ).toBe(true);
  });

  it("has one message per OpenAPI webhook, with the same payload schema file", () => {
    const file = asyncApiPath(provider);
    const doc = readYaml(file) as Json;
    const messages = Object.values(doc.components.messages as Json).map((message: Json) => ({
      event: String(message.name),
      schemaFile: payloadFile(doc, file, message.payload),
    }));
    const fromAsyncApi = messages.map((m) => `${m.event} → ${m.schemaFile}`).sort();
    const fromOpenApi = loadWebhooks(provider)
      .map((w) => `${w.event} → ${w.schemaFile}`)
      .sort();
    expect(fromAsyncApi).toEqual(fromOpenApi);
  });

  it("receives every message through an operation", () => {
    const doc = readYaml(asyncApiPath(provider)) as Json;
    const received = Object.values(doc.operations as Json).flatMap((op: Json) =>
      (op.messages as Json[]).map((m) => local(doc, local(doc, m.$ref).$ref).name),
    );
    const declared = Object.values(doc.components.messages as Json).map((m: Json) => m.name);
    expect(received.sort()).toEqual(declared.sort());
  });
});

describe.each(providers)("the %s bundles", (provider) => {
  it("resolve the OpenAPI and AsyncAPI payloads to identical schemas", () => {
    const openapi = bundleOpenApi(provider) as Json;
    const asyncapi = bundleAsyncApi(provider) as Json;
    for (const webhook of loadWebhooks(provider)) {
      const title = webhook.schemaTitle;
      expect(asyncapi.components.schemas[title], `${webhook.key}: ${title}`).toEqual(
        openapi.components.schemas[title],
      );
    }
  });

  it("keep no reference to a file and inline every example", () => {
    const text = JSON.stringify(bundleOpenApi(provider));
    expect(text).not.toMatch(/"\$ref":"\.{0,2}\//);
    expect(text).not.toContain("externalValue");
    expect(JSON.stringify(bundleAsyncApi(provider))).not.toMatch(/"\$ref":"\.{0,2}\//);
  });
});

describe.each(providers)("the %s API document (api.yaml)", (provider) => {
  it("bundles to a self-contained document whose operations all have an id", () => {
    const api = bundleApi(provider) as Json;
    expect(JSON.stringify(api)).not.toMatch(/"\$ref":"\.{0,2}\//);
    const operations = Object.values(api.paths as Json).flatMap((item: Json) =>
      ["get", "post", "put"].filter((m) => item[m]).map((m) => item[m] as Json),
    );
    expect(operations.length).toBeGreaterThan(0);
    for (const operation of operations) expect(operation.operationId).toMatch(/^(cronofy|meetingBaas)[A-Z]/);
  });

  it("reuses the payload schemas of the webhooks document under the same names", () => {
    const api = bundleApi(provider) as Json;
    const webhooks = bundleOpenApi(provider) as Json;
    for (const [name, schema] of Object.entries(api.components.schemas as Json)) {
      if (name in webhooks.components.schemas)
        expect(schema, name).toEqual(webhooks.components.schemas[name]);
    }
  });
});
