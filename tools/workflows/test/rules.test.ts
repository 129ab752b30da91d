// The rules every workflow follows, checked on each of the repository's workflows broken one way at a time.
import { describe, expect, it } from "vitest";
import { checkWorkflows } from "../src/check.js";
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

  it("is reported when the top-level permissions block is missing", () => {
    const findings = findingsAfter(name, (document) => {
      document.delete("permissions");
    });
    expect(findings).toContainEqual({
      file,
      pointer: "",
      code: "permissions",
      message: expect.stringContaining("no top-level `permissions`"),
    });
  });

  it("is reported when the top level grants a write scope to every job", () => {
    const findings = findingsAfter(name, (document) => {
      document.setIn(["permissions", "contents"], "write");
    });
    expect(findings).toContainEqual(
      expect.objectContaining({ file, pointer: "/permissions/contents", code: "permissions" }),
    );
  });

  it("is reported when the top level is `write-all` or `read-all` instead of listed scopes", () => {
    for (const level of ["write-all", "read-all"]) {
      const findings = findingsAfter(name, (document) => {
        document.set("permissions", level);
      });
      expect(findings, level).toContainEqual(
        expect.objectContaining({ file, pointer: "/permissions", code: "permissions" }),
      );
    }
  });

  it("is reported when it runs on pull_request_target", () => {
    const findings = findingsAfter(name, (document) => {
      document.setIn(["on", "pull_request_target"], null);
    });
    expect(findings).toContainEqual({
      file,
      pointer: "/on",
      code: "pull-request-target",
      message: expect.stringContaining("use `pull_request`"),
    });
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
