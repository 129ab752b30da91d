// release.yml: changesets/action opens the version pull request and publishes to npm with provenance (`id-token:
// write` and NPM_CONFIG_PROVENANCE or `--provenance`), only after `npm test` has passed: in an earlier step of its job,
// or in a job it waits for, which may call a workflow of the repository that runs it (`uses: ./.github/workflows/…`).
import type { WorkflowFinding } from "../finding.js";
import { type Job, stepEnv, type Workflow } from "../workflow.js";
import {
  isTrue,
  jobPermission,
  jobsBefore,
  type RequirementContext,
  requirement,
  runsNpmTest,
  stepsWhere,
  usesAction,
} from "./context.js";

/** What the changesets job writes, and why. */
const releaseScopes: Record<string, string> = {
  "id-token": "npm provenance",
  contents: "the version commit and the tags",
  "pull-requests": "the version pull request",
};

/** Whether a job runs `npm test` itself, or calls a workflow of this repository that does on `workflow_call`. */
function jobRunsNpmTest(job: Job, { workflows }: RequirementContext): boolean {
  if (job.steps.some((step) => runsNpmTest(step.run))) return true;
  const called = job.uses?.match(/^\.\/(\.github\/workflows\/[^@]+)$/)?.[1];
  const workflow = called ? workflows.find((w) => w.file === called) : undefined;
  if (!workflow?.triggers.includes("workflow_call")) return false;
  return workflow.jobs.some((j) => j.steps.some((step) => runsNpmTest(step.run)));
}

export function releaseFindings(workflow: Workflow, context: RequirementContext): WorkflowFinding[] {
  const findings: WorkflowFinding[] = [];
  const need = (pointer: string, message: string) => findings.push(requirement(workflow, pointer, message));

  const [changesets] = stepsWhere(workflow, (step) => usesAction(step, "changesets/action"));
  if (!changesets) {
    need("/jobs", "no step uses changesets/action: it opens the version pull request and publishes");
    return findings;
  }
  const { job, step, index } = changesets;
  for (const [scope, why] of Object.entries(releaseScopes)) {
    if (jobPermission(job, scope) !== "write") {
      need(`${job.pointer}/permissions`, `job \`${job.id}\` needs \`${scope}: write\` (${why})`);
    }
  }
  const publish = step.with.publish;
  if (typeof publish !== "string" || publish.trim() === "") {
    need(`${step.pointer}/with`, "changesets/action needs a `publish` command (`npm run release`)");
  }
  const env = stepEnv(workflow, job, step);
  if (!isTrue(env.NPM_CONFIG_PROVENANCE) && !String(publish ?? "").includes("--provenance")) {
    need(
      step.pointer,
      'publish with provenance: `NPM_CONFIG_PROVENANCE: "true"` in the env, or `--provenance`',
    );
  }
  if (env.NPM_TOKEN === undefined) {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, shown as the fix
    need(step.pointer, "changesets/action publishes with `NPM_TOKEN: ${{ secrets.NPM_TOKEN }}` in its env");
  }
  const testedBefore =
    job.steps.slice(0, index).some((s) => runsNpmTest(s.run)) ||
    jobsBefore(workflow, job).some((j) => jobRunsNpmTest(j, context));
  if (!testedBefore) {
    need(
      job.pointer,
      `job \`${job.id}\` publishes without \`npm test\` having passed: run it in an earlier step, or wait (\`needs\`) for a job that runs it`,
    );
  }
  return findings;
}
