// What a workflow's requirements may look at besides the workflow itself, and the small readers they share: which
// step runs a command, which step uses an action, what a job is allowed.
import type { WorkflowFinding } from "../finding.js";
import { actionName, isMapping, type Job, type Step, type Workflow } from "../workflow.js";

/** Facts of the repository that decide what a workflow must do. */
export interface RepositoryFacts {
  /** The root package.json's `test` script: what `npm test` runs. */
  testScript: string;
  /** The versions scripts/node-matrix.mjs tests besides the Node.js running `npm test`. */
  nodeMatrixVersions: string[];
}

export interface RequirementContext {
  facts: RepositoryFacts;
  /** Every workflow of the directory, for one that calls another (`uses: ./.github/workflows/ci.yml`). */
  workflows: readonly Workflow[];
}

export interface StepAt {
  job: Job;
  step: Step;
  index: number;
}

/** A run script as one line per command: continuation lines (`\` at the end) joined. */
function commands(run: string): string[] {
  return run.replace(/\\\r?\n\s*/g, " ").split(/\r?\n|&&|;/);
}

/** Whether a run script runs the root `npm test` (also as `npm run test`), not `npm run test:consumer`. */
export function runsNpmTest(run: string | undefined): boolean {
  return commands(run ?? "").some((command) => /(^|\s)npm\s+(run\s+)?test(\s|$)/.test(command));
}

/** Whether a run script runs `command` (a word sequence such as `npm run docs`), anywhere in it. */
export function runsCommand(run: string | undefined, command: string): boolean {
  const words = command.trim().split(/\s+/).map(escapeRegExp).join("\\s+");
  return commands(run ?? "").some((line) => new RegExp(`(^|\\s)${words}(\\s|$)`).test(line));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Every step of the workflow that satisfies `test`, in order. */
export function stepsWhere(workflow: Workflow, test: (step: Step) => boolean): StepAt[] {
  return workflow.jobs.flatMap((job) =>
    job.steps.flatMap((step, index) => (test(step) ? [{ job, step, index }] : [])),
  );
}

/** Whether a step uses `action` (`actions/setup-node`), at any version. */
export function usesAction(step: Step, action: string): boolean {
  return step.uses !== undefined && actionName(step.uses) === action;
}

/** The level (`read`, `write`, `none`) a job's own `permissions` give `scope`, if it names it. */
export function jobPermission(job: Job, scope: string): unknown {
  return isMapping(job.permissions) ? job.permissions[scope] : undefined;
}

/** `true`, `"true"`: how a workflow spells a flag in `env`. */
export function isTrue(value: unknown): boolean {
  return value === true || value === "true";
}

/** A finding of the kind requirements report. */
export function requirement(workflow: Workflow, pointer: string, message: string): WorkflowFinding {
  return { file: workflow.file, pointer, code: "requirement", message };
}

/** The jobs `job` waits for, directly or through others. */
export function jobsBefore(workflow: Workflow, job: Job): Job[] {
  const byId = new Map(workflow.jobs.map((j) => [j.id, j]));
  const found = new Map<string, Job>();
  const visit = (ids: string[]) => {
    for (const id of ids) {
      const needed = byId.get(id);
      if (!needed || found.has(id)) continue;
      found.set(id, needed);
      visit(needed.needs);
    }
  };
  visit(job.needs);
  return [...found.values()];
}
