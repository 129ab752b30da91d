// The upstream check on a small contract and a small official-shaped document: what is a finding, on which side,
// with which kind and pointers; what the conventions explain away; known and stale known differences; and the
// errors that stop a check before it compares anything.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loopbackServerForTest, tempDirForTest } from "@meeting-webhooks/test-support";
import { describe, expect, it } from "vitest";
import {
  checkUpstream,
  compareUpstream,
  formatUpstreamMarkdown,
  parseUpstreamDocument,
  parseUpstreamMapping,
  readUpstreamDocument,
  readUpstreamMapping,
  type UpstreamReport,
  upstreamDocumentOf,
  upstreamRules,
} from "../src/index.js";
import { mapping, officialDocument, writeSpecs } from "./upstream-support.js";

type Json = Record<string, any>;

const thing = "#/components/schemas/ThingWebhookCompleted";
const thingFile = "acme/schemas/thing.completed.json";

async function check(edit: (doc: Json) => void = () => {}, map: Json = mapping(), subset = false) {
  const specsDir = writeSpecs(tempDirForTest("meeting-webhooks-upstream-"), map);
  const doc = officialDocument();
  edit(doc);
  return compareUpstream({
    document: upstreamDocumentOf(doc, "openapi.json"),
    mapping: readUpstreamMapping(join(specsDir, "acme", "upstream.yaml"), "acme/upstream.yaml"),
    specsDir,
    subset,
  });
}

const data = (doc: Json) => doc.components.schemas.ThingWebhookCompleted.properties.data;
const brief = (report: UpstreamReport) =>
  report.findings.map(({ official, contract, kind, severity, side }) => ({
    official,
    contract,
    kind,
    severity,
    side,
  }));

describe("the upstream check", () => {
  it("finds nothing when the official schemas differ only by the contract's conventions", async () => {
    const report = await check();
    expect(report.findings).toEqual([]);
    expect(report).toMatchObject({ mapped: 3, ignored: 3, known: [], absent: [] });
  });

  it("reports a required field the official schema adds, with pointers on both sides", async () => {
    const report = await check((doc) => {
      data(doc).properties.region = { type: "string" };
      data(doc).required.push("region");
    });
    expect(brief(report)).toEqual([
      {
        official: `${thing}/properties/data/properties/region`,
        contract: `${thingFile}#/properties/data/properties/region`,
        kind: "property-added",
        severity: "safe",
        side: "official",
      },
    ]);
    expect(report.findings[0]?.path).toBe("/data/region");
    expect(report.findings[0]?.message).toMatch(/`region` added \(required\)/);
  });

  it("reports an existing field the official schema now requires", async () => {
    const report = await check((doc) => {
      doc.components.schemas.Owner.required.push("tags");
    });
    expect(brief(report)).toContainEqual({
      official: "#/components/schemas/Owner/properties/tags",
      contract: "acme/schemas/common/owner.json#/properties/tags",
      kind: "property-required",
      severity: "safe",
      side: "official",
    });
  });

  it("reports an optional property the official schema adds", async () => {
    const report = await check((doc) => {
      data(doc).properties.chat_messages = { type: ["array", "null"], items: { type: "object" } };
    });
    expect(report.findings.map((f) => [f.kind, f.official])).toEqual([
      ["property-added", `${thing}/properties/data/properties/chat_messages`],
    ]);
    expect(report.findings[0]?.message).toMatch(/\(optional\)/);
  });

  it("reports a value added to an official enum as a value the contract's open list lacks, nothing more", async () => {
    const report = await check((doc) => {
      data(doc).properties.status.enum.push("paused");
    });
    expect(brief(report)).toEqual([
      {
        official: `${thing}/properties/data/properties/status`,
        contract: `${thingFile}#/properties/data/properties/status`,
        kind: "open-list-value-added",
        severity: "safe",
        side: "official",
      },
    ]);
    expect(report.findings[0]?.message).toMatch(/"paused"/);
  });

  it("reports a value the contract lists and the official enum no longer does", async () => {
    const report = await check((doc) => {
      data(doc).properties.status.enum = ["done"];
    });
    expect(report.findings.map((f) => [f.kind, f.side, f.severity])).toEqual([
      ["open-list-value-removed", "contract", "breaking"],
    ]);
  });

  it("reports a changed type as breaking", async () => {
    const report = await check((doc) => {
      data(doc).properties.thing_id = { type: "integer" };
    });
    expect(report.findings.map((f) => [f.kind, f.severity, f.contract])).toEqual([
      ["type-changed", "breaking", `${thingFile}#/properties/data/properties/thing_id`],
    ]);
  });

  it("reports nullability the official schema adds", async () => {
    const report = await check((doc) => {
      data(doc).properties.sent_at = { anyOf: [data(doc).properties.sent_at, { type: "null" }] };
    });
    expect(report.findings.map((f) => [f.kind, f.severity, f.path])).toEqual([
      ["nullable-added", "breaking", "/data/sent_at"],
    ]);
  });

  it("reports a property the contract has and the official schema lacks on the contract's side", async () => {
    const report = await check((doc) => {
      delete data(doc).properties.code;
    });
    expect(brief(report)).toEqual([
      {
        official: `${thing}/properties/data/properties/code`,
        contract: `${thingFile}#/properties/data/properties/code`,
        kind: "property-removed",
        severity: "breaking",
        side: "contract",
      },
    ]);
  });

  it("names the place a $ref leads to, on both sides, once for every schema that reaches it", async () => {
    const report = await check((doc) => {
      doc.components.schemas.Owner.properties.tags.items = { type: "integer" };
    });
    expect(report.findings.map((f) => [f.kind, f.official, f.contract])).toEqual([
      [
        "type-changed",
        "#/components/schemas/Owner/properties/tags/items",
        "acme/schemas/common/owner.json#/properties/tags/items",
      ],
    ]);
  });

  it("reads the Zoom and Meet/Teams variants as one object, and points into the variant that changed", async () => {
    expect((await check()).findings).toEqual([]);
    const report = await check((doc) => {
      doc.components.schemas.ZoomSegment.properties.user_id = { type: "string" };
    });
    expect(brief(report)).toEqual([
      {
        official: "#/components/schemas/ZoomSegment/properties/user_id",
        contract: "acme/schemas/segment.json#/properties/user_id",
        kind: "type-changed",
        severity: "breaking",
        side: "official",
      },
      {
        official: "#/components/schemas/ZoomSegment/properties/user_id",
        contract: "acme/schemas/segment.json#/properties/user_id",
        kind: "nullable-removed",
        severity: "safe",
        side: "contract",
      },
    ]);
  });

  it("keeps reporting a closed list where the contract has a plain string", async () => {
    const report = await check((doc) => {
      doc.components.schemas.Owner.properties.name = { type: "string", enum: ["a", "b"] };
    });
    expect(report.findings.map((f) => [f.kind, f.contract])).toEqual([
      ["list-closed", "acme/schemas/common/owner.json#/properties/name"],
    ]);
  });

  it("keeps reporting a date-time pattern other than the provider's usual one", async () => {
    const report = await check((doc) => {
      data(doc).properties.sent_at.pattern = "^\\d{4}-.*Z$";
    });
    expect(report.findings.map((f) => [f.kind, f.path])).toEqual([["constraint-tightened", "/data/sent_at"]]);
  });

  it("ignores documentation: descriptions, titles, examples and x- keys", async () => {
    const report = await check((doc) => {
      Object.assign(data(doc), { title: "Data", examples: [{}], "x-internal": true });
      data(doc).properties.thing_id.description = "Another description.";
    });
    expect(report.findings).toEqual([]);
  });

  it("reports a webhook-like official schema that no entry maps or ignores", async () => {
    const report = await check((doc) => {
      doc.components.schemas.ThingWebhookStarted = { type: "object", properties: { event: { const: "x" } } };
    });
    expect(brief(report)).toEqual([
      {
        official: "#/components/schemas/ThingWebhookStarted",
        contract: null,
        kind: "schema-unmapped",
        severity: "safe",
        side: "official",
      },
    ]);
  });

  it("reports a mapped official schema that the document no longer has", async () => {
    const report = await check((doc) => {
      data(doc).properties.owner = doc.components.schemas.Owner;
      delete doc.components.schemas.Owner;
    });
    expect(brief(report)).toEqual([
      {
        official: "#/components/schemas/Owner",
        contract: "acme/schemas/common/owner.json#",
        kind: "schema-removed",
        severity: "breaking",
        side: "contract",
      },
    ]);
  });

  it("lists a difference recorded as known apart, with its README entry and reason", async () => {
    const known = [
      {
        official: `${thing}/properties/data/properties/code`,
        kind: "property-removed",
        readme: "Error codes",
        reason: "the error page lists codes the schema does not",
      },
    ];
    const report = await check((doc) => {
      delete data(doc).properties.code;
    }, mapping({ known }));
    expect(report.findings).toEqual([]);
    expect(report.known).toEqual([
      expect.objectContaining({
        official: known[0]?.official,
        contract: `${thingFile}#/properties/data/properties/code`,
        kind: "property-removed",
        readme: "Error codes",
        reason: "the error page lists codes the schema does not",
      }),
    ]);
  });

  it("matches a known entry by its contract pointer across every official schema mapped to the file", async () => {
    const known = [
      {
        contract: `${thingFile}#/properties/data/properties/code`,
        kind: "property-removed",
        readme: "R",
        reason: "r",
      },
    ];
    const report = await check((doc) => {
      delete data(doc).properties.code;
    }, mapping({ known }));
    expect(report.findings).toEqual([]);
    expect(report.known).toHaveLength(1);
  });

  it("reports a known entry that no longer matches a difference as stale", async () => {
    const known = [
      {
        official: `${thing}/properties/data/properties/code`,
        kind: "property-removed",
        readme: "R",
        reason: "r",
      },
    ];
    const report = await check(() => {}, mapping({ known }));
    expect(brief(report)).toEqual([
      {
        official: `${thing}/properties/data/properties/code`,
        contract: null,
        kind: "known-stale",
        severity: "safe",
        side: "contract",
      },
    ]);
    expect(report.findings[0]?.message).toMatch(/acme\/upstream\.yaml at \/known\/0/);
  });

  it("compares a subset document without reporting what it leaves out, or known entries about it", async () => {
    const known = [
      {
        official: "#/components/schemas/Segment/properties/x",
        kind: "property-removed",
        readme: "R",
        reason: "r",
      },
    ];
    const report = await check(
      (doc) => {
        delete doc.components.schemas.Segment;
        delete doc.components.schemas.ZoomSegment;
      },
      mapping({ known }),
      true,
    );
    expect(report.findings).toEqual([]);
    expect(report.absent).toEqual(["Segment"]);
  });

  it("prints the summary line first, then the findings by side and the known differences", async () => {
    const report = await check((doc) => {
      delete data(doc).properties.code;
      data(doc).properties.region = { type: "string" };
    });
    const markdown = formatUpstreamMarkdown(report);
    expect(markdown.split("\n")[0]).toBe(
      "**acme upstream check: 2 findings, 0 known, 3 official schemas mapped, 3 ignored** " +
        "(`openapi.json` through `acme/upstream.yaml`)",
    );
    expect(markdown).toMatch(/## The provider's document has, the contract lacks or says otherwise: 1\n/);
    expect(markdown).toMatch(/## The contract has, the provider's document lacks: 1\n/);
  });
});

describe("what stops an upstream check", () => {
  it("refuses an official schema matched by two entries", async () => {
    const map = mapping();
    map.ignored.push({ official: ["Own*"], reason: "oops" });
    await expect(check(() => {}, map)).rejects.toMatchObject({
      code: "mapping_ambiguous",
      pointer: "/ignored/2",
    });
  });

  it("refuses a mapped contract file that does not exist, pointing at the entry", async () => {
    const map = mapping();
    map.mapped[1].contract = "acme/schemas/common/nobody.json";
    await expect(check(() => {}, map)).rejects.toMatchObject({
      code: "contract_not_found",
      file: "acme/upstream.yaml",
      pointer: "/mapped/1/contract",
    });
  });

  it("refuses a mapping file with an unknown kind or an entry without a reason", () => {
    const known = "known: [{official: '#/x', kind: property-vanished, readme: R, reason: r}]";
    expect(() => parseUpstreamMapping(`provider: acme\ndocument: d\n${known}`, "m.yaml")).toThrow(
      expect.objectContaining({ code: "mapping_invalid", pointer: "/known/0/kind" }),
    );
    const mapped = "mapped: [{official: A, contract: a.json}]";
    expect(() => parseUpstreamMapping(`provider: acme\ndocument: d\n${mapped}`, "m.yaml")).toThrow(
      expect.objectContaining({ code: "mapping_invalid", pointer: "/mapped/0/reason" }),
    );
  });

  it("says so when the provider publishes no machine-readable document", () => {
    const text = "provider: cronofy\ndocument: null\nmanualCheck: follow the checklist in the README.";
    expect(() => parseUpstreamMapping(text, "cronofy/upstream.yaml")).toThrow(
      expect.objectContaining({
        code: "no_machine_readable_document",
        message: expect.stringMatching(/no machine-readable document.*follow the checklist in the README/),
      }),
    );
  });

  it("refuses a missing file, invalid JSON and a document without components.schemas", async () => {
    const dir = tempDirForTest("meeting-webhooks-upstream-doc-");
    await expect(readUpstreamDocument(join(dir, "missing.json"))).rejects.toMatchObject({
      code: "document_not_found",
    });
    expect(() => parseUpstreamDocument("<html>", "page.html")).toThrow(
      expect.objectContaining({ code: "document_invalid" }),
    );
    expect(() => parseUpstreamDocument('{"openapi": "3.1.0", "components": {}}', "x.json")).toThrow(
      expect.objectContaining({ code: "document_not_openapi", pointer: "/components/schemas" }),
    );
  });

  it("fetches only https:// URLs, and http:// on the loopback interface", async () => {
    await expect(readUpstreamDocument("http://docs.example.invalid/openapi.json")).rejects.toMatchObject({
      code: "url_not_allowed",
    });
    await expect(readUpstreamDocument("ftp://docs.example.invalid/openapi.json")).rejects.toMatchObject({
      code: "url_not_allowed",
    });
    const base = await loopbackServerForTest((request, response) => {
      if (request.url === "/openapi.json") response.end(JSON.stringify(officialDocument()));
      else response.writeHead(404, "Not Found").end();
    });
    const document = await readUpstreamDocument(`${base}/openapi.json`);
    expect(Object.keys(document.schemas)).toContain("ThingWebhookCompleted");
    await expect(readUpstreamDocument(`${base}/gone.json`)).rejects.toMatchObject({
      code: "fetch_failed",
      message: expect.stringMatching(/answered 404/),
    });
  });

  it("gives up on a URL that does not answer in time, and says what to do", async () => {
    const hanging = ((_url: URL, init: RequestInit) =>
      new Promise((_resolve, reject) => {
        init.signal?.addEventListener("abort", () => reject(init.signal?.reason));
      })) as unknown as typeof fetch;
    await expect(
      readUpstreamDocument("https://docs.example.invalid/openapi.json", { fetch: hanging, timeoutMs: 10 }),
    ).rejects.toMatchObject({
      code: "fetch_failed",
      message: expect.stringMatching(/did not answer within/),
    });
  });

  it("reads the mapping before the document, so a provider without one is answered first", async () => {
    const specsDir = tempDirForTest("meeting-webhooks-upstream-cronofy-");
    await expect(
      checkUpstream({ provider: "acme", document: "missing.json", specsDir }),
    ).rejects.toMatchObject({
      code: "mapping_not_found",
    });
  });
});

describe("the README", () => {
  it("lists every upstream kind with the severity and reason the code applies", () => {
    const readme = readFileSync(join(import.meta.dirname, "..", "README.md"), "utf8");
    const rows = [...readme.matchAll(/^\| `([a-z-]+)` \| (.+) \| (\*\*breaking\*\*|safe) \| (.+) \|$/gm)].map(
      ([, kind, change, severity, why]) => ({ kind, severity: severity?.replace(/\*/g, ""), change, why }),
    );
    expect(rows).toEqual(Object.entries(upstreamRules).map(([kind, rule]) => ({ kind, ...rule })));
  });
});
