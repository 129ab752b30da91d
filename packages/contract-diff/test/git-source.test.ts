// git:<ref>:<path> reads the document and every schema it references at that revision, not from the working tree.
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { makeTempDir, type TempDir } from "@meeting-webhooks/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { diffSpecs, loadContract, parseSpecSource } from "../src/index.js";
import { copyOfSpecs, editJson } from "./fixtures.js";

const spec = "specs/cronofy/openapi.yaml";
let repoDir: TempDir | undefined;
let repo: string;

function git(...args: string[]): string {
  return execFileSync(
    "git",
    [
      "-c",
      "user.name=Contract Diff",
      "-c",
      "user.email=contract-diff@example.com",
      "-c",
      "commit.gpgsign=false",
      ...args,
    ],
    { cwd: repo, encoding: "utf8" },
  );
}

const dropJoinTimeout = (root: string) =>
  editJson(root, "specs/cronofy/schemas/common/failure-subtype.json", (schema) => {
    schema.anyOf[0].enum = schema.anyOf[0].enum.filter((value: string) => value !== "join_timeout");
  });

beforeAll(() => {
  repoDir = makeTempDir("contract-diff-git-");
  repo = repoDir.path;
  git("init", "-q");
  copyOfSpecs("cronofy", join(repo, "specs"));
  git("add", ".");
  git("commit", "-q", "-m", "v1");
  git("tag", "v1");
  // v2 changes a schema file only: openapi.yaml is the same at both revisions.
  dropJoinTimeout(repo);
  git("commit", "-q", "-am", "v2");
});

afterAll(() => repoDir?.remove());

describe("git sources", () => {
  it("parses git:<ref>:<path>, refs with slashes included, and refuses a malformed one", () => {
    expect(parseSpecSource("git:origin/main:specs/meetingbaas/openapi.yaml")).toEqual({
      kind: "git",
      ref: "origin/main",
      path: "specs/meetingbaas/openapi.yaml",
    });
    expect(parseSpecSource("specs/cronofy/openapi.yaml")).toEqual({
      kind: "file",
      path: "specs/cronofy/openapi.yaml",
    });
    expect(() => parseSpecSource("git:main")).toThrow(/git:<ref>:<path>/);
    expect(() => parseSpecSource("git::specs/x.yaml")).toThrow(/git:<ref>:<path>/);
  });

  it("reads referenced schema files at the revision, so a change in a schema file alone shows", async () => {
    const diff = await diffSpecs(`git:v1:${spec}`, `git:HEAD:${spec}`, { cwd: repo });
    expect(diff.changes.map((c) => [c.event, c.path, c.kind, c.severity])).toEqual(
      ["meeting_agent_activated", "meeting_agent_complete", "meeting_agent_failed"].map((event) => [
        event,
        "/notification/interactions/*/subtype",
        "open-list-value-removed",
        "breaking",
      ]),
    );
    expect(diff.old).toBe(`git:v1:${spec}`);
  });

  it("compares a revision with the working tree, and the same revision with itself as no change", async () => {
    expect((await diffSpecs(`git:v1:${spec}`, spec, { cwd: repo })).breaking).toBe(3);
    expect((await diffSpecs(`git:HEAD:${spec}`, spec, { cwd: repo })).changes).toEqual([]);
  });

  it("takes ./ paths relative to the working directory, as git does", async () => {
    const sub = join(repo, "specs");
    mkdirSync(sub, { recursive: true });
    const contract = await loadContract("git:HEAD~1:./cronofy/openapi.yaml", { cwd: sub });
    expect(contract.title).toMatch(/Cronofy/);
  });

  it("an unknown revision or path is an error that says what to do", async () => {
    await expect(diffSpecs(`git:origin/nope:${spec}`, spec, { cwd: repo })).rejects.toMatchObject({
      code: "unknown_ref",
      message: expect.stringMatching(/fetch/i),
    });
    await expect(diffSpecs("git:HEAD:specs/zoom/openapi.yaml", spec, { cwd: repo })).rejects.toMatchObject({
      code: "not_found",
    });
  });
});
