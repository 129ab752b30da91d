// The whole check of a workflows directory: the schema first (a file it refuses is reported and read no further),
// then the rules every workflow follows, then what each workflow the project relies on must do, and which of those
// are missing.
import { posix } from "node:path";
import type { WorkflowFinding } from "./finding.js";
import { type RepositoryFacts, requiredWorkflows } from "./requirements/index.js";
import { ruleFindings } from "./rules.js";
import { schemaFindings } from "./schema.js";
import { readWorkflow, type Workflow } from "./workflow.js";

/** Where the workflows live, from the repository root. */
export const workflowsDir = ".github/workflows";

export interface WorkflowSource {
  /** From the repository root: `.github/workflows/ci.yml`. */
  file: string;
  source: string;
}

export function checkWorkflows(
  sources: readonly WorkflowSource[],
  facts: RepositoryFacts,
): WorkflowFinding[] {
  const findings: WorkflowFinding[] = [];
  const workflows: Workflow[] = [];
  for (const { file, source } of sources) {
    const refused = schemaFindings(file, source);
    findings.push(...refused);
    const workflow = refused.some((f) => f.code === "parse") ? undefined : readWorkflow(file, source);
    if (workflow) workflows.push(workflow);
  }
  const context = { facts, workflows };
  for (const workflow of workflows) {
    findings.push(...ruleFindings(workflow));
    findings.push(...(requiredWorkflows[posix.basename(workflow.file)]?.check(workflow, context) ?? []));
  }
  const present = new Set(sources.map(({ file }) => posix.basename(file)));
  for (const [name, { purpose }] of Object.entries(requiredWorkflows)) {
    if (present.has(name)) continue;
    findings.push({
      file: `${workflowsDir}/${name}`,
      pointer: "",
      code: "missing-workflow",
      message: `missing: the project relies on it for ${purpose}`,
    });
  }
  return findings;
}
