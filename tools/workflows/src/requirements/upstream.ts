// upstream.yml: the weekly check of the contract against the provider's own document (`meeting-webhooks upstream`).
import type { WorkflowFinding } from "../finding.js";
import type { Workflow } from "../workflow.js";
import { type RequirementContext, requirement, runsCommand, stepsWhere } from "./context.js";

export function upstreamFindings(workflow: Workflow, _context: RequirementContext): WorkflowFinding[] {
  const [check] = stepsWhere(workflow, (step) => runsCommand(step.run, "meeting-webhooks upstream"));
  if (check) return [];
  return [
    requirement(
      workflow,
      "/jobs",
      "no step runs `meeting-webhooks upstream`, the comparison with the provider's document",
    ),
  ];
}
