// The rules every workflow follows, checked on each of the repository's workflows broken one way at a time.
import { describe, expect, it } from "vitest";
import type { Document } from "yaml";
import { checkWorkflows } from "../src/check.js";
import type { WorkflowFinding } from "../src/finding.js";
import {
  facts,
  fileOf,
  findingsAfter,
  firstRunnerJob,
  pointer,
  sources,
  stepPath,
  workflowNames,
} from "./support.js";

describe.each(workflowNames)("%s", (name) => {
  const file = fileOf(name);

  it("is reported when an action is pinned to a branch", () => {
    let path: (string | number)[] = [];
    const findings = findingsAfter(name, (document) => {
      path = [...stepPath(document, (step) => step.uses !== undefined), "uses"];
      document.setIn(path, "actions/checkout@main");
    });
    expect(findings).toContainEqual({
      file,
      pointer: pointer(path),
      code: "unpinned-action",
      message: expect.stringMatching(/`actions\/checkout@main` is not pinned: use a major version \(`@v4`\)/),
    });
  });

  it("is reported when an action has no version at all", () => {
    const findings = findingsAfter(name, (document) => {
      document.setIn([...stepPath(document, (step) => step.uses !== undefined), "uses"], "actions/checkout");
    });
    expect(findings).toContainEqual(
      expect.objectContaining({
        file,
        code: "unpinned-action",
        message: expect.stringContaining("`actions/checkout`"),
      }),
    );
  });

  it("accepts an action pinned to a full commit SHA", () => {
    const findings = findingsAfter(name, (document) => {
      document.setIn(
        [...stepPath(document, (step) => step.uses !== undefined), "uses"],
        "actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683",
      );
    });
    expect(findings.filter((f) => f.code === "unpinned-action")).toEqual([]);
  });

  /** One edit each, and the finding it must give. */
  const breaks: { what: string; edit: (document: Document) => void; finding: Partial<WorkflowFinding> }[] = [
    {
      what: "no top-level permissions block",
      edit: (document) => document.delete("permissions"),
      finding: {
        pointer: "",
        code: "permissions",
        message: expect.stringContaining("no top-level `permissions`"),
      },
    },
    {
      what: "a write scope at the top level, which every job would get",
      edit: (document) => document.setIn(["permissions", "contents"], "write"),
      finding: { pointer: "/permissions/contents", code: "permissions" },
    },
    {
      what: "`write-all` at the top level instead of listed scopes",
      edit: (document) => document.set("permissions", "write-all"),
      finding: { pointer: "/permissions", code: "permissions" },
    },
    {
      what: "`read-all` at the top level instead of listed scopes",
      edit: (document) => document.set("permissions", "read-all"),
      finding: { pointer: "/permissions", code: "permissions" },
    },
    {
      what: "a pull_request_target trigger",
      edit: (document) => document.setIn(["on", "pull_request_target"], null),
      finding: {
        pointer: "/on",
        code: "pull-request-target",
        message: expect.stringContaining("use `pull_request`"),
      },
    },
  ];

  it.each(breaks)("is reported with $what", ({ edit, finding }) => {
    expect(findingsAfter(name, edit)).toContainEqual(expect.objectContaining({ file, ...finding }));
  });

  it("is reported with the key when the schema refuses it", () => {
    let job = "";
    const findings = findingsAfter(name, (document) => {
      job = firstRunnerJob(document);
      document.setIn(["jobs", job, "runs_on"], document.getIn(["jobs", job, "runs-on"]));
      document.deleteIn(["jobs", job, "runs-on"]);
    });
    expect(findings).toContainEqual({
      file,
      pointer: `/jobs/${job}`,
      code: "schema",
      message: expect.stringContaining("Additional property 'runs_on' is not allowed"),
    });
  });
});

describe("the triggers", () => {
  it("are read in each form `on` takes: a name, a list and a mapping", () => {
    const minimal = (on: string) =>
      `on: ${on}\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo\n`;
    for (const on of ["pull_request_target", "[push, pull_request_target]", "{pull_request_target: {}}"]) {
      const findings = checkWorkflows(
        [...sources, { file: fileOf("other.yml"), source: minimal(on) }],
        facts,
      );
      expect(findings, on).toContainEqual(
        expect.objectContaining({ file: fileOf("other.yml"), code: "pull-request-target" }),
      );
    }
  });
});
