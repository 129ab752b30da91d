// release.yml versions and publishes with changesets, with provenance, and only after npm test has passed.

import { describe, expect, it } from "vitest";
import type { Document } from "yaml";
import { checkWorkflows } from "../src/check.js";
import { edited, facts, fileOf, findingsAfter, stepPath } from "./support.js";

const file = fileOf("release.yml");
const changesets = (document: Document) =>
  stepPath(document, (step) => /changesets\/action/.test(step.uses ?? ""));
const requirements = (findings: ReturnType<typeof findingsAfter>) =>
  findings.filter((f) => f.file === file && f.code === "requirement").map((f) => `${f.pointer} ${f.message}`);

describe("release.yml", () => {
  it("is reported without changesets/action", () => {
    const findings = findingsAfter("release.yml", (document) => {
      document.deleteIn(changesets(document));
    });
    expect(requirements(findings)).toEqual([
      "/jobs no step uses changesets/action: it opens the version pull request and publishes",
    ]);
  });

  it("is reported without id-token: write", () => {
    const findings = findingsAfter("release.yml", (document) => {
      document.deleteIn(["jobs", "release", "permissions", "id-token"]);
    });
    expect(requirements(findings)).toEqual([
      "/jobs/release/permissions job `release` needs `id-token: write` (npm provenance)",
    ]);
  });

  it("is reported when it publishes without provenance or without NPM_TOKEN", () => {
    const findings = findingsAfter("release.yml", (document) => {
      document.deleteIn([...changesets(document), "env", "NPM_CONFIG_PROVENANCE"]);
      document.deleteIn([...changesets(document), "env", "NPM_TOKEN"]);
    });
    expect(requirements(findings)).toEqual([
      expect.stringMatching(/^\/jobs\/release\/steps\/\d+ publish with provenance/),
      expect.stringMatching(/^\/jobs\/release\/steps\/\d+ changesets\/action publishes with `NPM_TOKEN/),
    ]);
  });

  it("accepts --provenance in the publish command instead of the env", () => {
    const findings = findingsAfter("release.yml", (document) => {
      document.deleteIn([...changesets(document), "env", "NPM_CONFIG_PROVENANCE"]);
      document.setIn([...changesets(document), "with", "publish"], "npx changeset publish --provenance");
    });
    expect(requirements(findings)).toEqual([]);
  });

  it("is reported when it publishes without waiting for npm test", () => {
    const findings = findingsAfter("release.yml", (document) => {
      document.deleteIn(["jobs", "release", "needs"]);
    });
    expect(requirements(findings)).toEqual([
      expect.stringMatching(/^\/jobs\/release job `release` publishes without `npm test` having passed/),
    ]);
  });

  it("is reported when the workflow it waits for no longer runs npm test", () => {
    const sources = edited("ci.yml", (document) => {
      const path = stepPath(document, (step) => /npm test/.test(step.run ?? ""));
      document.setIn([...path, "run"], "npm run lint");
    });
    const findings = checkWorkflows(sources, facts).filter((f) => f.file === file);
    expect(findings.map((f) => f.message)).toEqual([
      expect.stringContaining("publishes without `npm test` having passed"),
    ]);
  });

  it("is reported when the workflow it calls cannot be called (no workflow_call)", () => {
    const sources = edited("ci.yml", (document) => {
      document.deleteIn(["on", "workflow_call"]);
    });
    const findings = checkWorkflows(sources, facts).filter((f) => f.file === file);
    expect(findings.map((f) => f.message)).toEqual([
      expect.stringContaining("publishes without `npm test` having passed"),
    ]);
  });

  it("accepts npm test in an earlier step of the publishing job", () => {
    const findings = findingsAfter("release.yml", (document) => {
      document.deleteIn(["jobs", "release", "needs"]);
      document.deleteIn(["jobs", "test"]);
      const [, , , index] = changesets(document);
      const steps = document.getIn(["jobs", "release", "steps"]) as { items: unknown[] };
      steps.items.splice(Number(index), 0, document.createNode({ run: "npm test", env: { CI: "true" } }));
    });
    expect(requirements(findings)).toEqual([]);
  });
});
