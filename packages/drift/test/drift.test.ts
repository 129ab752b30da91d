// The loop on real-shaped captures: each provider's examples with fields added, removed, retyped and reformatted,
// new values in open lists and a new event. The report names each, the written proposal accepts every capture and
// every existing example, and the contract change report classifies it.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { validatePayload } from "@meeting-webhooks/receive/validate";
import { describe, expect, it } from "vitest";
import {
  type Capture,
  type DriftReport,
  driftJson,
  driftReport,
  formatDriftMarkdown,
  isCode,
  proposalPatch,
  writeProposal,
} from "../src/index.js";
import {
  biomeFormat,
  example,
  examples,
  schemaPathForExample,
  specsCopy,
  strings,
  validatorsOf,
} from "./support.js";

const personal = {
  name: "Jane Doe-Müller",
  email: "jane.doe@acme-corp.example",
  url: "https://storage.example.invalid/rec/7f3a?X-Amz-Signature=9c1e44aa01b2",
  transcript: "We agreed to ship the pricing page on Friday after legal review",
};

function meetingBaasCaptures(): Capture[] {
  const statusChange = example("meetingbaas", "bot.status_change");
  statusChange.data.status.code = "recording_uploading";
  statusChange.data.status.reason = personal.transcript;
  const completed = example("meetingbaas", "bot.completed");
  delete completed.data.transcription_ids;
  completed.data.duration_seconds = "2614";
  completed.data.participants[0].email = personal.email;
  completed.data.participants[0].name = personal.name;
  completed.data.sent_at = "1764165365";
  completed.data.recording = { mode: "speaker_view", download: personal.url, size_bytes: 1048576 };
  const failed = example("meetingbaas", "bot.failed");
  failed.data.error_code = "MEETING_LOCKED";
  const recordingReady = {
    event: "bot.recording_ready",
    data: { bot_id: "0b6f2a8e-7d7e-4a57-9d0e-3f2a4c1b9e11", url: personal.url, speaker: personal.name },
    extra: null,
  };
  return [
    { body: statusChange, receivedAt: "2026-11-02T09:00:00.000Z", channel: "webhook" },
    { body: completed, receivedAt: "2026-11-03T09:00:00.000Z", channel: "webhook" },
    { body: structuredClone(completed), receivedAt: "2026-11-05T09:00:00.000Z", channel: "callback" },
    { body: failed, receivedAt: "2026-11-04T09:00:00.000Z", channel: "callback" },
    { body: recordingReady, receivedAt: "2026-11-06T09:00:00.000Z", channel: "webhook" },
  ];
}

function cronofyCaptures(): Capture[] {
  const failed = example("cronofy", "meeting_agent_failed");
  failed.notification.interactions[0].subtype = "meeting_locked";
  const complete = example("cronofy", "meeting_agent_complete");
  delete complete.event.tzid;
  complete.event.location = personal.name;
  complete.meeting_agent.details.recording.duration_seconds = 2614.5;
  const joined = example("cronofy", "meeting_agent_activated");
  joined.notification.interactions[0].type = "meeting_agent_joined";
  joined.meeting_agent.joined_at = "2026-11-24T15:31:02Z";
  return [
    { body: failed, receivedAt: "2026-11-02T09:00:00.000Z" },
    { body: complete, receivedAt: "2026-11-03T09:00:00.000Z" },
    { body: joined, receivedAt: "2026-11-04T09:00:00.000Z" },
  ];
}

type Provider = "cronofy" | "meetingbaas";

async function reportIn(provider: Provider, captures: Capture[], specsDir: string): Promise<DriftReport> {
  return driftReport(provider, captures, { specsDir });
}

function findings(report: DriftReport) {
  return report.analysis.events.flatMap((event) =>
    event.findings.map((finding) => ({
      event: event.event,
      kind: finding.kind,
      paths: finding.paths,
      values: finding.values,
    })),
  );
}

function kinds(report: DriftReport) {
  return (report.classification?.changes ?? []).map(
    (change) => `${change.severity} ${change.kind} ${change.event} ${change.path}`,
  );
}

/** Each capture against the schema of its event in a specs folder, and each example of the provider. */
function invalidAfterWrite(
  provider: Provider,
  report: DriftReport,
  captures: Capture[],
  dir: string,
): string[] {
  const validate = validatorsOf(dir);
  const problems: string[] = [];
  captures.forEach((capture, i) => {
    const detected = validatePayload(provider, capture.body, capture.channel);
    const event = report.analysis.events.find((e) => e.event.endsWith(detected.eventName ?? "?"));
    const schema = detected.schemaPath ?? event?.schema ?? "?";
    for (const error of validate(schema, capture.body)) problems.push(`capture ${i} (${schema}): ${error}`);
  });
  for (const [path, payload] of examples(provider))
    for (const error of validate(schemaPathForExample(path), payload)) problems.push(`${path}: ${error}`);
  return problems;
}

describe("Meeting BaaS captures with drift", () => {
  it("names each new property, missing required field, other type, other format, new list value and new event", async () => {
    const report = await reportIn("meetingbaas", meetingBaasCaptures(), specsCopy());
    expect(findings(report)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          event: "webhook/bot.status_change",
          kind: "open-list-value",
          values: ["recording_uploading"],
        }),
        expect.objectContaining({
          event: "webhook/bot.status_change",
          kind: "unknown-property",
          paths: ["/data/status/reason"],
        }),
        expect.objectContaining({
          event: "webhook/bot.completed",
          kind: "required-missing",
          paths: ["/data/transcription_ids"],
        }),
        expect.objectContaining({
          event: "webhook/bot.completed",
          kind: "type-mismatch",
          paths: ["/data/duration_seconds"],
        }),
        expect.objectContaining({
          event: "webhook/bot.completed",
          kind: "format-mismatch",
          paths: ["/data/sent_at"],
        }),
        expect.objectContaining({
          event: "webhook/bot.completed",
          kind: "unknown-property",
          paths: ["/data/participants/*/email"],
        }),
        expect.objectContaining({
          event: "webhook/bot.completed",
          kind: "unknown-property",
          paths: ["/data/recording"],
        }),
        expect.objectContaining({ event: "callback/bot.completed", kind: "required-missing" }),
        expect.objectContaining({
          event: "callback/bot.failed",
          kind: "open-list-value",
          values: ["MEETING_LOCKED"],
        }),
        expect.objectContaining({
          event: "webhook/bot.recording_ready",
          kind: "unknown-event",
          values: ["bot.recording_ready"],
        }),
      ]),
    );
    expect(report.analysis.findings).toBe(findings(report).length);
  });

  it("counts deliveries and says when each finding was first and last seen", async () => {
    const report = await reportIn("meetingbaas", meetingBaasCaptures(), specsCopy());
    const completed = report.analysis.events.find((e) => e.event === "webhook/bot.completed");
    const email = completed?.findings.find((f) => f.paths.includes("/data/participants/*/email"));
    expect(email).toMatchObject({
      deliveries: 1,
      firstSeen: "2026-11-03T09:00:00.000Z",
      lastSeen: "2026-11-03T09:00:00.000Z",
    });
    expect(email?.types).toEqual(["string (email)"]);
    const duration = completed?.findings.find((f) => f.kind === "type-mismatch");
    expect(duration?.types).toEqual(["string"]);
  });

  it("writes a proposal that accepts every capture and still accepts every example", async () => {
    const dir = specsCopy();
    const captures = meetingBaasCaptures();
    const report = await reportIn("meetingbaas", captures, dir);
    expect(invalidAfterWrite("meetingbaas", report, captures, dir).length).toBeGreaterThan(0);
    const written = writeProposal(report);
    expect(written).toEqual(
      expect.arrayContaining([
        "meetingbaas/schemas/bot.completed.json",
        "meetingbaas/schemas/common/participant.json",
      ]),
    );
    expect(invalidAfterWrite("meetingbaas", report, captures, dir)).toEqual([]);
  });

  it("classifies a new optional field and a new open-list value as safe, a required field made optional as breaking", async () => {
    const report = await reportIn("meetingbaas", meetingBaasCaptures(), specsCopy());
    expect(kinds(report)).toEqual(
      expect.arrayContaining([
        "safe property-added webhook/bot.status_change /data/status/reason",
        "safe open-list-value-added webhook/bot.status_change /data/status/code",
        "safe open-list-value-added callback/bot.failed /data/error_code",
        "safe property-added webhook/bot.completed /data/participants/*/email",
        "breaking property-optional webhook/bot.completed /data/transcription_ids",
        "breaking type-widened webhook/bot.completed /data/duration_seconds",
        "breaking format-removed webhook/bot.completed /data/sent_at",
        "safe event-added webhook/bot.recording_ready ",
      ]),
    );
    expect(report.classification?.breaking).toBeGreaterThan(0);
  });

  it("edits the file that declares each node: a participant's new field goes to common/participant.json", async () => {
    const report = await reportIn("meetingbaas", meetingBaasCaptures(), specsCopy());
    const participant = report.proposal.files.find(
      (f) => f.path === "meetingbaas/schemas/common/participant.json",
    );
    expect(JSON.parse(participant?.after ?? "{}").properties.email).toEqual({
      description:
        "Observed in 2 deliveries between 2026-11-03 and 2026-11-05, not documented by the provider.",
      "x-source": ["meeting-webhooks drift: observed in 2 deliveries between 2026-11-03 and 2026-11-05"],
      type: "string",
    });
    const completed = JSON.parse(
      report.proposal.files.find((f) => f.path === "meetingbaas/schemas/bot.completed.json")?.after ?? "{}",
    );
    expect(completed.properties.data.properties.participants).toEqual({
      description: expect.any(String),
      type: "array",
      items: { $ref: "./common/participant.json" },
    });
    expect(completed.properties.data.properties.recording).toMatchObject({
      type: "object",
      properties: { mode: { type: "string" }, download: { type: "string" }, size_bytes: { type: "integer" } },
    });
  });

  it("keeps every written file as biome formats it, with nothing changed outside the edited nodes", async () => {
    const report = await reportIn("meetingbaas", meetingBaasCaptures(), specsCopy());
    for (const file of report.proposal.files)
      expect(biomeFormat(file.after, file.path), file.path).toBe(file.after);
    const participant = report.proposal.files.find(
      (f) => f.path === "meetingbaas/schemas/common/participant.json",
    );
    const removed = proposalPatch({ files: participant ? [participant] : [], manual: [] })
      .split("\n")
      .filter((line) => line.startsWith("-") && !line.startsWith("---"));
    expect(removed).toEqual([]); // a new property is lines added, nothing else
  });
});

describe("Cronofy captures with drift", () => {
  it("names the new failure subtype, the new and the missing field, the other type and the new interaction", async () => {
    const report = await reportIn("cronofy", cronofyCaptures(), specsCopy());
    expect(findings(report)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          event: "meeting_agent_failed",
          kind: "open-list-value",
          values: ["meeting_locked"],
        }),
        expect.objectContaining({
          event: "meeting_agent_complete",
          kind: "required-missing",
          paths: ["/event/tzid"],
        }),
        expect.objectContaining({
          event: "meeting_agent_complete",
          kind: "unknown-property",
          paths: ["/event/location"],
        }),
        expect.objectContaining({
          event: "meeting_agent_complete",
          kind: "type-mismatch",
          paths: ["/meeting_agent/details/recording/duration_seconds"],
        }),
        expect.objectContaining({
          event: "meeting_agent_joined",
          kind: "unknown-event",
          values: ["meeting_agent_joined"],
        }),
      ]),
    );
  });

  it("writes a proposal that accepts every capture and every example, classified for receivers", async () => {
    const dir = specsCopy();
    const captures = cronofyCaptures();
    const report = await reportIn("cronofy", captures, dir);
    writeProposal(report);
    expect(invalidAfterWrite("cronofy", report, captures, dir)).toEqual([]);
    expect(kinds(report)).toEqual(
      expect.arrayContaining([
        "safe open-list-value-added meeting_agent_failed /notification/interactions/*/subtype",
        "breaking property-optional meeting_agent_complete /event/tzid",
        "safe property-added meeting_agent_complete /event/location",
        "breaking type-widened meeting_agent_complete /meeting_agent/details/recording/duration_seconds",
        "safe event-added meeting_agent_joined ",
      ]),
    );
  });
});

describe("nothing new", () => {
  for (const provider of ["cronofy", "meetingbaas"] as const) {
    it(`${provider}: examples the contract fully knows report nothing and change nothing`, async () => {
      const known = examples(provider)
        .filter(([path]) => !path.includes("/artifacts/") && !path.includes("transcript"))
        .map(([, body]) => body)
        .filter((body) => {
          const result = validatePayload(provider, body);
          return result.valid && result.known && result.drift.length === 0;
        });
      expect(known.length).toBeGreaterThan(3);
      const dir = specsCopy();
      const report = await reportIn(
        provider,
        known.map((body) => ({ body })),
        dir,
      );
      expect(report.analysis.findings).toBe(0);
      expect(report.proposal.files).toEqual([]);
      expect(report.classification).toBeNull();
      expect(writeProposal(report)).toEqual([]);
      expect(formatDriftMarkdown(report)).toMatch(/nothing new/);
    });
  }
});

describe("redaction", () => {
  it("no captured string value appears in any output, except the new codes and event names it reports", async () => {
    for (const [provider, captures] of [
      ["meetingbaas", meetingBaasCaptures()],
      ["cronofy", cronofyCaptures()],
    ] as const) {
      const dir = specsCopy();
      const report = await reportIn(provider, captures, dir);
      const reported = new Set(report.analysis.events.flatMap((e) => e.findings.flatMap((f) => f.values)));
      const written = writeProposal(report);
      const outputs = [
        formatDriftMarkdown(report),
        formatDriftMarkdown(report, { written }),
        JSON.stringify(driftJson(report)),
        ...written.map((path) => readFileSync(join(dir, path), "utf8")),
      ].join("\n");
      const captured = new Set(captures.flatMap((capture) => strings(capture.body)));
      // Codes (list values, event names) are what the report is about; anything else is data.
      // The contract's own text may hold the same words (a time zone in a description); only what it lacked leaks.
      const contract = report.proposal.files.map((file) => file.before ?? "").join("\n");
      const leaked = [...captured].filter(
        (value) =>
          !isCode(value) && !reported.has(value) && outputs.includes(value) && !contract.includes(value),
      );
      expect(leaked, provider).toEqual([]);
      for (const value of Object.values(personal)) expect(outputs).not.toContain(value);
    }
  });
});

describe("alternatives", () => {
  it("an all-day Cronofy event (a date where a date-time could be) is no drift: the value matches another branch", async () => {
    const activated = example("cronofy", "meeting_agent_activated");
    activated.event.start = "2026-11-24";
    activated.event.end = "2026-11-25";
    const report = await driftReport("cronofy", [{ body: activated }], { specsDir: specsCopy() });
    expect(report.analysis.findings).toBe(0);
  });
});

describe("contracts stricter than the provider", () => {
  /** Rewrites a schema file of a specs copy, as a contract copied from a provider's own schema would read. */
  function rewrite(dir: string, path: string, change: (schema: Record<string, any>) => void) {
    const file = join(dir, path);
    const schema = JSON.parse(readFileSync(file, "utf8"));
    change(schema);
    writeFileSync(file, `${JSON.stringify(schema, null, 2)}\n`);
  }

  it("an offset where a pattern wants `Z` is a format finding; dropping the pattern is classified breaking", async () => {
    const dir = specsCopy();
    rewrite(dir, "meetingbaas/schemas/bot.failed.json", (schema) => {
      schema.properties.data.properties.sent_at.pattern = "Z$";
    });
    const failed = example("meetingbaas", "bot.failed");
    failed.data.sent_at = "2026-11-26T14:16:05.212+01:00";
    const report = await driftReport("meetingbaas", [{ body: failed, channel: "callback" }], {
      specsDir: dir,
    });
    expect(findings(report)).toEqual([
      expect.objectContaining({
        event: "callback/bot.failed",
        kind: "format-mismatch",
        paths: ["/data/sent_at"],
      }),
    ]);
    // The schema's own x-source also gains the observation: a safe documentation change at its root.
    const changes =
      report.classification?.changes.filter((c) => c.event === "callback/bot.failed" && c.path !== "") ?? [];
    expect(changes.map((c) => [c.severity, c.path])).toEqual([["breaking", "/data/sent_at"]]);
    writeProposal(report);
    expect(invalidAfterWrite("meetingbaas", report, [{ body: failed, channel: "callback" }], dir)).toEqual(
      [],
    );
  });

  it("a value outside a closed list is proposed into the enum and classified breaking", async () => {
    const dir = specsCopy();
    rewrite(dir, "meetingbaas/schemas/common/error-code.json", (schema) => {
      const known = schema.anyOf.find((branch: { enum?: string[] }) => branch.enum).enum;
      delete schema.anyOf;
      schema.type = "string";
      schema.enum = known;
    });
    const failed = example("meetingbaas", "bot.failed");
    failed.data.error_code = "MEETING_LOCKED";
    const report = await driftReport("meetingbaas", [{ body: failed, channel: "callback" }], {
      specsDir: dir,
    });
    expect(findings(report)).toEqual([
      expect.objectContaining({
        kind: "closed-list-value",
        values: ["MEETING_LOCKED"],
        paths: ["/data/error_code"],
      }),
    ]);
    expect(kinds(report)).toContain("breaking enum-value-added callback/bot.failed /data/error_code");
  });

  it("a file whose facts now rest on observed traffic keeps its sources and lists the observation in x-source", async () => {
    const dir = specsCopy();
    rewrite(dir, "meetingbaas/schemas/common/error-code.json", (schema) => {
      const { title, description, "x-source": _sources, ...rest } = schema;
      for (const key of Object.keys(schema)) delete schema[key];
      Object.assign(schema, { title, description, "x-source": ["meetingbaas docs: errors page"], ...rest });
    });
    const failed = example("meetingbaas", "bot.failed");
    failed.data.error_code = "MEETING_LOCKED";
    const report = await driftReport(
      "meetingbaas",
      [{ body: failed, channel: "callback", receivedAt: "2026-11-04T09:00:00.000Z" }],
      { specsDir: dir },
    );
    const file = report.proposal.files.find((f) => f.path === "meetingbaas/schemas/common/error-code.json");
    expect(JSON.parse(file?.after ?? "{}")["x-source"]).toEqual([
      "meetingbaas docs: errors page",
      "meeting-webhooks drift: observed in 1 delivery on 2026-11-04",
    ]);
  });

  it("writes only inside its specs folder, and nothing at all when a path would leave it", async () => {
    const dir = specsCopy();
    const report = await reportIn("meetingbaas", meetingBaasCaptures(), dir);
    report.proposal.files.push({ path: "../escaped.json", before: null, after: "{}\n" });
    const before = readFileSync(join(dir, "meetingbaas/schemas/bot.completed.json"), "utf8");
    expect(() => writeProposal(report)).toThrow(/outside the specs folder/);
    expect(existsSync(join(dir, "..", "escaped.json"))).toBe(false);
    expect(readFileSync(join(dir, "meetingbaas/schemas/bot.completed.json"), "utf8")).toBe(before);
  });
});
