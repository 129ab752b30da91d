// The repository's own workflows pass every check: this is the test that fails `npm test` when a workflow breaks.
import { describe, expect, it } from "vitest";
import { checkWorkflows } from "../src/check.js";
import { formatFinding } from "../src/finding.js";
import { checkRepository, nodeMatrixVersionsOf } from "../src/repository.js";
import { requiredWorkflows } from "../src/requirements/index.js";
import { facts, fileOf, sources, withSource } from "./support.js";

describe("the repository's workflows", () => {
  it("pass the workflow schema and every rule and requirement", () => {
    expect(checkRepository().map(formatFinding)).toEqual([]);
  });

  it("include every workflow the project relies on", () => {
    expect(sources.map((s) => s.file)).toEqual(
      expect.arrayContaining(Object.keys(requiredWorkflows).map((name) => fileOf(name))),
    );
  });
});

describe("checkWorkflows", () => {
  it("reports a workflow the project relies on when it is missing", () => {
    const findings = checkWorkflows(
      sources.filter((s) => s.file !== fileOf("docs.yml")),
      facts,
    );
    expect(findings).toEqual([
      {
        file: fileOf("docs.yml"),
        pointer: "",
        code: "missing-workflow",
        message: "missing: the project relies on it for the docs site on GitHub Pages",
      },
    ]);
  });

  it("reports a file that is not YAML once, and reads it no further", () => {
    const findings = checkWorkflows(withSource("upstream.yml", "on: [push\n"), facts);
    expect(findings.map((f) => `${f.file} ${f.code}`)).toEqual([`${fileOf("upstream.yml")} parse`]);
  });

  it("prints a finding as one line with the file, the pointer and the code", () => {
    expect(
      formatFinding({
        file: fileOf("ci.yml"),
        pointer: "/on",
        code: "pull-request-target",
        message: "use pull_request",
      }),
    ).toBe(".github/workflows/ci.yml /on: use pull_request [pull-request-target]");
  });
});

describe("nodeMatrixVersionsOf", () => {
  it("reads the versions list of scripts/node-matrix.mjs without running it", () => {
    expect(nodeMatrixVersionsOf('export const versions = ["22.23.5", "24.22.3"];\n')).toEqual([
      "22.23.5",
      "24.22.3",
    ]);
    expect(nodeMatrixVersionsOf("const other = 1;")).toEqual([]);
  });
});
