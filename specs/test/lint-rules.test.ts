// The house lint rules in redocly.yaml must actually fire: break a copy of a contract and lint it.
import { spawnSync } from "node:child_process";
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { tempDirForTest } from "@meeting-webhooks/test-support";
import { describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { specsDir } from "../src/index.js";

const redoclyBin = join(
  specsDir,
  "..",
  "node_modules",
  "@redocly",
  "cli",
  createRequire(import.meta.url)("@redocly/cli/package.json").bin.redocly,
);

function lint(dir: string, api: string): { code: number | null; output: string } {
  const result = spawnSync(process.execPath, [redoclyBin, "lint", api, "--format=stylish"], {
    cwd: dir,
    env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true", NO_COLOR: "1" },
    encoding: "utf8",
  });
  return { code: result.status, output: `${result.stdout}${result.stderr}` };
}

function copyOfSpecs(): string {
  const dir = tempDirForTest("specs-lint-");
  for (const entry of ["redocly.yaml", "redocly", "common", "cronofy"])
    cpSync(join(specsDir, entry), join(dir, entry), { recursive: true });
  return dir;
}

describe("redocly lint with the house rules", () => {
  it("passes on the Cronofy contract as committed", () => {
    const result = lint(copyOfSpecs(), "cronofy");
    expect(result.output).toContain("valid");
    expect(result.code).toBe(0);
  });

  it("fails when a webhook loses its operationId, summary, description or examples", () => {
    const dir = copyOfSpecs();
    const file = join(dir, "cronofy", "openapi.yaml");
    const doc = parse(readFileSync(file, "utf8"));
    delete doc.webhooks.meeting_agent_activated.post.operationId;
    delete doc.webhooks.meeting_agent_complete.post.summary;
    delete doc.webhooks.meeting_agent_complete.post.description;
    delete doc.components.requestBodies.MeetingAgentFailed.content["application/json"].examples;
    writeFileSync(file, stringify(doc));
    const result = lint(dir, "cronofy");
    expect(result.code).not.toBe(0);
    expect(result.output).toContain("operation-operationId");
    expect(result.output).toContain("operation-summary");
    expect(result.output).toContain("operation-description");
    expect(result.output).toContain("rule/webhook-request-has-examples");
  });
});
