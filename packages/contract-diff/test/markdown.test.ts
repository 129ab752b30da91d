// The report a person reads, and the README's rule table, which must say what the code does.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type ContractDiff, formatMarkdown, rules } from "../src/index.js";

const diff: ContractDiff = {
  old: "git:origin/main:specs/cronofy/openapi.yaml",
  new: "specs/cronofy/openapi.yaml",
  title: "Cronofy Meeting Agents callbacks",
  breaking: 1,
  safe: 1,
  events: ["meeting_agent_activated", "meeting_agent_complete", "meeting_agent_failed"],
  changes: [
    {
      event: "meeting_agent_failed",
      in: "header",
      path: "/cronofy-hmac-sha256",
      kind: "signature-header-changed",
      severity: "breaking",
      message: "pattern changed from `^a|b$` to `^a$`: receivers check signature headers byte for byte",
    },
    {
      event: "meeting_agent_complete",
      in: "body",
      path: "/meeting_agent/resources/*/url",
      kind: "docs-changed",
      severity: "safe",
      message: "description changed: descriptions do not change what is sent",
    },
  ],
};

describe("formatMarkdown", () => {
  const report = formatMarkdown(diff);

  it("starts with a summary line: counts, events changed, both sources", () => {
    expect(report.split("\n")[0]).toBe(
      "**Cronofy Meeting Agents callbacks: 1 breaking, 1 safe in 2 of 3 events** " +
        "(`git:origin/main:specs/cronofy/openapi.yaml` → `specs/cronofy/openapi.yaml`)",
    );
  });

  it("has a heading per changed event, in document order, and none for unchanged events", () => {
    expect(report.match(/^## .*$/gm)).toEqual([
      "## `meeting_agent_complete`: 0 breaking, 1 safe",
      "## `meeting_agent_failed`: 1 breaking, 0 safe",
    ]);
  });

  it("has a table row per change with where, kind and message, pipes escaped", () => {
    expect(report).toContain(
      "| **breaking** | header `cronofy-hmac-sha256` | `signature-header-changed` | pattern changed from `^a\\|b$` to `^a$`: receivers check signature headers byte for byte |",
    );
    expect(report).toContain("| safe | `/meeting_agent/resources/*/url` | `docs-changed` |");
  });

  it("nests under a heading of the caller's choice", () => {
    expect(formatMarkdown(diff, { headingLevel: 3 })).toMatch(/^### `meeting_agent_failed`/m);
  });

  it("says so when nothing changed", () => {
    expect(formatMarkdown({ ...diff, breaking: 0, safe: 0, changes: [] })).toBe(
      "**Cronofy Meeting Agents callbacks: no changes for receivers** " +
        "(`git:origin/main:specs/cronofy/openapi.yaml` → `specs/cronofy/openapi.yaml`)\n",
    );
  });
});

describe("the README", () => {
  it("lists every rule with the severity, scope and reason the code applies", () => {
    const readme = readFileSync(join(import.meta.dirname, "..", "README.md"), "utf8");
    const rows = [...readme.matchAll(/^\| `([a-z-]+)` \| (\*\*breaking\*\*|safe) \| (.+) \| (.+) \|$/gm)].map(
      ([, kind, severity, change, why]) => ({ kind, severity: severity?.replace(/\*/g, ""), change, why }),
    );
    expect(rows).toEqual(Object.entries(rules).map(([kind, rule]) => ({ kind, ...rule })));
  });
});
