import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { specsDir } from "@meeting-webhooks/specs";
import { afterEach, describe, expect, it } from "vitest";
import { runCli } from "./support.js";

const cli = (args: string[], input?: string) => runCli(args, input === undefined ? {} : { input });

const scratch: string[] = [];
afterEach(() => {
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A scratch folder with a copy of the contracts and a folder of captures, removed after the test. */
function workspace() {
  const dir = mkdtempSync(join(tmpdir(), "meeting-webhooks-cli-drift-"));
  scratch.push(dir);
  for (const folder of ["cronofy", "meetingbaas", "common"])
    cpSync(join(specsDir, folder), join(dir, "specs", folder), { recursive: true });
  mkdirSync(join(dir, "captures"));
  return { dir, specs: join(dir, "specs"), captures: join(dir, "captures") };
}

const example = (name: string) =>
  JSON.parse(readFileSync(join(specsDir, "meetingbaas", "examples", `${name}.json`), "utf8"));

function driftingCapture() {
  const body = example("bot.status_change");
  body.data.status.code = "recording_uploading";
  body.data.status.reason = "Jane Doe left the call early";
  return body;
}

describe("drift", () => {
  it("exits 0 and proposes nothing when the contract knows every capture", async () => {
    const { specs, captures } = workspace();
    writeFileSync(join(captures, "failed.json"), JSON.stringify(example("bot.failed")));
    const outcome = await cli(["drift", "--provider", "meetingbaas", "--specs", specs, captures]);
    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toMatch(/nothing new/);
  });

  it("exits 1 with the findings, their classification and a unified diff, and writes nothing without --write", async () => {
    const { specs, captures } = workspace();
    writeFileSync(join(captures, "status.jsonl"), `${JSON.stringify(driftingCapture())}\n`);
    const before = readFileSync(join(specs, "meetingbaas/schemas/common/bot-status.json"), "utf8");
    const outcome = await cli(["drift", "--provider", "meetingbaas", "--specs", specs, captures]);
    expect(outcome.code).toBe(1);
    expect(outcome.stdout).toMatch(/new property \| `\/data\/status\/reason`/);
    expect(outcome.stdout).toMatch(/safe \| `\/data\/status\/code` \| `open-list-value-added`/);
    expect(outcome.stdout).toMatch(/\+\+\+ b\/meetingbaas\/schemas\/common\/bot-status\.json/);
    expect(outcome.stdout).not.toContain("Jane Doe");
    expect(readFileSync(join(specs, "meetingbaas/schemas/common/bot-status.json"), "utf8")).toBe(before);
  });

  it("--write writes the proposal into the --specs folder; a second run finds nothing new", async () => {
    const { specs, captures } = workspace();
    writeFileSync(join(captures, "status.json"), JSON.stringify(driftingCapture()));
    const written = await cli([
      "drift",
      "--provider",
      "meetingbaas",
      "--specs",
      specs,
      "--write",
      "--json",
      captures,
    ]);
    expect(written.code).toBe(1);
    const report = JSON.parse(written.stdout);
    expect(report.proposal.written).toEqual([
      "meetingbaas/schemas/common/bot-status-code.json",
      "meetingbaas/schemas/common/bot-status.json",
    ]);
    expect(report.classification.breaking).toBe(0);
    expect(readFileSync(join(specs, "meetingbaas/schemas/common/bot-status.json"), "utf8")).toMatch(
      /"reason": \{/,
    );
    const again = await cli(["drift", "--provider", "meetingbaas", "--specs", specs, captures]);
    expect(again.code).toBe(0);
  });

  it("reads standard input as JSON Lines", async () => {
    const { specs } = workspace();
    const input = `${JSON.stringify(driftingCapture())}\n${JSON.stringify(example("bot.failed"))}\n`;
    const outcome = await cli(["drift", "--provider", "meetingbaas", "--specs", specs, "--json", "-"], input);
    expect(outcome.code).toBe(1);
    expect(JSON.parse(outcome.stdout).deliveries).toBe(2);
  });

  it("exits 2 on unreadable input and usage mistakes", async () => {
    const { specs, captures } = workspace();
    writeFileSync(join(captures, "broken.jsonl"), '{"event":\n');
    for (const args of [
      ["drift", "--provider", "meetingbaas", "--specs", specs, captures],
      ["drift", "--provider", "meetingbaas", join(captures, "missing")],
      ["drift", "--provider", "meetingbaas", "postgres://receiver@localhost/receiver"],
      ["drift", "--provider", "zoom", captures],
      ["drift", "--provider", "meetingbaas", "--since", "yesterday", captures],
      ["drift", "--provider", "meetingbaas"],
    ]) {
      const outcome = await cli(args);
      expect(outcome.code, args.join(" ")).toBe(2);
      expect(outcome.stderr, args.join(" ")).toMatch(
        /meeting-webhooks drift: .+\nRun "meeting-webhooks drift --help"/,
      );
    }
  });
});
