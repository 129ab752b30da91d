// The workflows the project relies on, each with what it must do. A file of .github/workflows/ not listed here is
// held to the rules every workflow follows (src/rules.ts) and nothing more.
import type { WorkflowFinding } from "../finding.js";
import type { Workflow } from "../workflow.js";
import { ciFindings } from "./ci.js";
import type { RequirementContext } from "./context.js";
import { docsFindings } from "./docs.js";
import { releaseFindings } from "./release.js";
import { upstreamFindings } from "./upstream.js";

export type { RepositoryFacts, RequirementContext } from "./context.js";

export interface RequiredWorkflow {
  /** What it is for, in the message when it is missing. */
  purpose: string;
  check: (workflow: Workflow, context: RequirementContext) => WorkflowFinding[];
}

/** By file name under .github/workflows/. */
export const requiredWorkflows: Readonly<Record<string, RequiredWorkflow>> = {
  "ci.yml": { purpose: "`npm test` on every push and pull request", check: ciFindings },
  "docs.yml": { purpose: "the docs site on GitHub Pages", check: docsFindings },
  "release.yml": { purpose: "the version pull request and the npm releases", check: releaseFindings },
  "upstream.yml": {
    purpose: "the weekly check of the contract against the provider's document",
    check: upstreamFindings,
  },
};
