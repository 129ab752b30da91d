import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loopbackServerForTest, tempDirForTest } from "@meeting-webhooks/test-support";
import { describe, expect, it } from "vitest";
import { runCli } from "./support.js";

const cli = (args: string[]) => runCli(["upstream", ...args]);

type Json = Record<string, any>;

/** The provider's schema, as its generator writes it: closed, with an `$id` and the Z-only date-time pattern. */
function officialDocument(): Json {
  return {
    openapi: "3.1.0",
    components: {
      schemas: {
        BotWebhookFailed: {
          $id: "#/components/schemas/BotWebhookFailed",
          type: "object",
          additionalProperties: false,
          required: ["event", "data"],
          properties: {
            event: { type: "string", const: "bot.failed" },
            data: {
              type: "object",
              additionalProperties: false,
              required: ["bot_id", "error_code"],
              properties: { bot_id: { type: "string", format: "uuid" }, error_code: { type: "string" } },
            },
          },
        },
        ListBotsResponse: { type: "object" },
      },
    },
  };
}

/** A scratch specs folder holding a one-schema Meeting BaaS contract and its mapping file; the document beside it. */
function workspace(document: Json = officialDocument()) {
  const dir = tempDirForTest("meeting-webhooks-cli-upstream-");
  const specs = join(dir, "specs");
  mkdirSync(join(specs, "meetingbaas", "schemas"), { recursive: true });
  writeFileSync(
    join(specs, "meetingbaas", "schemas", "bot.failed.json"),
    JSON.stringify({
      title: "BotFailed",
      type: "object",
      required: ["event", "data"],
      properties: {
        event: { type: "string", const: "bot.failed" },
        data: {
          type: "object",
          required: ["bot_id", "error_code"],
          properties: {
            bot_id: { type: "string", format: "uuid" },
            error_code: { anyOf: [{ type: "string", enum: ["BOT_REMOVED"] }, { type: "string" }] },
          },
        },
      },
    }),
  );
  writeFileSync(
    join(specs, "meetingbaas", "upstream.yaml"),
    // JSON is YAML: the mapping file as a map, without a YAML writer.
    JSON.stringify({
      provider: "meetingbaas",
      document: "meetingbaas docs: openapi-v2.json",
      mapped: [
        {
          official: ["BotWebhookFailed"],
          contract: "meetingbaas/schemas/bot.failed.json",
          reason: "the payload",
        },
      ],
      ignored: [{ official: ["List*"], reason: "API answers" }],
    }),
  );
  const documentPath = join(dir, "openapi-v2.json");
  writeFileSync(documentPath, JSON.stringify(document));
  return { dir, specs, document: documentPath };
}

describe("upstream", () => {
  it("--help prints the usage, the options, the exit codes and examples", async () => {
    const outcome = await cli(["--help"]);
    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toMatch(/^Usage: meeting-webhooks upstream --provider/);
    for (const text of ["--provider", "--specs", "--timeout", "--json", "Exit codes: 0", "Examples:"])
      expect(outcome.stdout).toContain(text);
  });

  it("exits 0 with the summary line first when the contract covers the document", async () => {
    const { specs, document } = workspace();
    const outcome = await cli(["--provider", "meetingbaas", "--specs", specs, document]);
    expect(outcome.code).toBe(0);
    expect(outcome.stdout.split("\n")[0]).toMatch(
      /^\*\*meetingbaas upstream check: 0 findings, 0 known, 1 official schema mapped, 1 ignored\*\*/,
    );
  });

  it("exits 1 and prints each finding with its pointers on both sides, its kind and its severity", async () => {
    const document = officialDocument();
    document.components.schemas.BotWebhookFailed.properties.data.properties.chat_messages = { type: "array" };
    document.components.schemas.BotWebhookStatusChange = { type: "object" };
    const { specs, document: path } = workspace(document);
    const outcome = await cli(["--provider", "meetingbaas", "--specs", specs, path]);
    expect(outcome.code).toBe(1);
    expect(outcome.stdout.split("\n")[0]).toMatch(/2 findings, 0 known, 1 official schema mapped, 1 ignored/);
    expect(outcome.stdout).toContain(
      "| safe | `#/components/schemas/BotWebhookFailed/properties/data/properties/chat_messages` | " +
        "`meetingbaas/schemas/bot.failed.json#/properties/data/properties/chat_messages` | `property-added` |",
    );
    expect(outcome.stdout).toContain(
      "| safe | `#/components/schemas/BotWebhookStatusChange` | — | `schema-unmapped` |",
    );
  });

  it("--json prints one JSON object with the findings", async () => {
    const document = officialDocument();
    document.components.schemas.BotWebhookFailed.properties.data.properties.bot_id.type = "integer";
    const { specs, document: path } = workspace(document);
    const outcome = await cli(["--provider", "meetingbaas", "--specs", specs, "--json", path]);
    expect(outcome.code).toBe(1);
    const report = JSON.parse(outcome.stdout);
    expect(report).toMatchObject({ provider: "meetingbaas", mapped: 1, ignored: 1, known: [] });
    expect(report.findings).toEqual([
      expect.objectContaining({
        official: "#/components/schemas/BotWebhookFailed/properties/data/properties/bot_id",
        contract: "meetingbaas/schemas/bot.failed.json#/properties/data/properties/bot_id",
        path: "/data/bot_id",
        kind: "type-changed",
        severity: "breaking",
        side: "official",
      }),
    ]);
  });

  it("exits 2 with a coded message on a missing file, invalid JSON or a document without components.schemas", async () => {
    const { dir, specs } = workspace();
    writeFileSync(join(dir, "page.html"), "<!doctype html><title>Docs</title>");
    writeFileSync(join(dir, "empty.json"), JSON.stringify({ openapi: "3.1.0", paths: {} }));
    const cases: [string, RegExp][] = [
      [join(dir, "missing.json"), /\[document_not_found\] No such file: .*missing\.json/],
      [join(dir, "page.html"), /\[document_invalid\] .*page\.html is not valid JSON/],
      [
        join(dir, "empty.json"),
        /\[document_not_openapi\] .*no components\.schemas.*at \/components\/schemas/,
      ],
    ];
    for (const [path, message] of cases) {
      const outcome = await cli(["--provider", "meetingbaas", "--specs", specs, path]);
      expect(outcome.code, path).toBe(2);
      expect(outcome.stderr, path).toMatch(message);
      expect(outcome.stdout, path).toBe("");
    }
  });

  it("exits 2 on an unknown provider, a missing document argument and a non-loopback http:// URL", async () => {
    const { specs } = workspace();
    expect((await cli(["--provider", "zoom", "openapi.json"])).code).toBe(2);
    const missing = await cli(["--provider", "meetingbaas", "--specs", specs]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/Give the provider's document/);
    const http = await cli([
      "--provider",
      "meetingbaas",
      "--specs",
      specs,
      "http://docs.example.invalid/x.json",
    ]);
    expect(http.code).toBe(2);
    expect(http.stderr).toMatch(/\[url_not_allowed\]/);
  });

  it("exits 2 for Cronofy, which publishes no machine-readable document, and points to the manual check", async () => {
    const outcome = await cli(["--provider", "cronofy"]);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toMatch(
      /\[no_machine_readable_document\] cronofy publishes no machine-readable document/,
    );
    expect(outcome.stderr).toMatch(/specs\/README\.md, section "Keeping the contract current"/);
  });

  it("fetches the document from a loopback http:// URL, and exits 2 when it answers an error", async () => {
    const { specs } = workspace();
    const base = await loopbackServerForTest((request, response) => {
      if (request.url === "/openapi-v2.json") response.end(JSON.stringify(officialDocument()));
      else response.writeHead(404, "Not Found").end();
    });
    const found = await cli(["--provider", "meetingbaas", "--specs", specs, `${base}/openapi-v2.json`]);
    expect(found.code).toBe(0);
    const gone = await cli(["--provider", "meetingbaas", "--specs", specs, `${base}/gone.json`]);
    expect(gone.code).toBe(2);
    expect(gone.stderr).toMatch(/\[fetch_failed\] .* answered 404/);
  });
});
