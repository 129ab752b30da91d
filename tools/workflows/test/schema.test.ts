// The GitHub Actions workflow schema, through @action-validator/core (WebAssembly, no network): what it refuses is
// reported with the JSON pointer of the offending part and the schema's own words.
import { describe, expect, it } from "vitest";
import { schemaFindings } from "../src/schema.js";

const file = ".github/workflows/example.yml";
const workflow = (jobs: string, top = "permissions:\n  contents: read\n") => `on: push\n${top}jobs:\n${jobs}`;
const job = "  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm test\n";

describe("schemaFindings", () => {
  it("accepts a valid workflow", () => {
    expect(schemaFindings(file, workflow(job))).toEqual([]);
  });

  it("reports an unknown key of a job with the job's pointer, not every alternative of the schema's oneOf", () => {
    const findings = schemaFindings(file, workflow(`${job}    step:\n      - run: x\n`));
    expect(findings).toEqual([
      {
        file,
        pointer: "/jobs/test",
        code: "schema",
        message: "Property conditions are not met: Additional property 'step' is not allowed",
      },
    ]);
  });

  it("reports a permission level that does not exist at the scope's pointer", () => {
    const findings = schemaFindings(file, workflow(job, "permissions:\n  contents: raed\n"));
    expect(findings).toEqual([
      { file, pointer: "/permissions/contents", code: "schema", message: "Enum conditions are not met" },
    ]);
  });

  it("reports a step that neither runs nor uses anything on the step, naming both choices", () => {
    const findings = schemaFindings(
      file,
      workflow("  test:\n    runs-on: ubuntu-latest\n    steps:\n      - name: x\n"),
    );
    expect(findings).toEqual([
      { file, pointer: "/jobs/test/steps/0", code: "schema", message: "one of `uses`, `run` is required" },
    ]);
  });

  it("reports a missing required key on the object that lacks it", () => {
    const findings = schemaFindings(file, workflow("  test:\n    steps:\n      - run: npm test\n"));
    expect(findings).toEqual([
      { file, pointer: "/jobs/test", code: "schema", message: "`runs-on` is required" },
    ]);
  });

  it("reports a file that is not YAML as a parse finding with the line", () => {
    const findings = schemaFindings(file, "on: push\njobs: [\n");
    expect(findings).toEqual([
      { file, pointer: "", code: "parse", message: expect.stringMatching(/^not valid YAML: .*line 3/) },
    ]);
  });
});
