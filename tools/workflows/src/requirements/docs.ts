// docs.yml: on main, `npm run docs`, apps/docs/dist uploaded with actions/upload-pages-artifact and deployed by
// actions/deploy-pages from a job of its own, the only one allowed `pages: write` and `id-token: write`, in the
// `github-pages` environment.
import type { WorkflowFinding } from "../finding.js";
import { isMapping, type Workflow } from "../workflow.js";
import {
  jobPermission,
  type RequirementContext,
  requirement,
  runsCommand,
  stepsWhere,
  usesAction,
} from "./context.js";

/** What `npm run docs` writes and the Pages artifact must hold. */
const docsSiteDir = "apps/docs/dist";

/** The scopes only the deploying job may have. */
const deployScopes = ["pages", "id-token"] as const;

function samePath(a: unknown, b: string): boolean {
  const normal = (path: string) => path.trim().replace(/^\.\//, "").replace(/\/+$/, "");
  return typeof a === "string" && normal(a) === normal(b);
}

export function docsFindings(workflow: Workflow, _context: RequirementContext): WorkflowFinding[] {
  const findings: WorkflowFinding[] = [];
  const need = (pointer: string, message: string) => findings.push(requirement(workflow, pointer, message));

  const push = workflow.on.push;
  const branches = isMapping(push) && Array.isArray(push.branches) ? push.branches : [];
  if (!branches.includes("main")) need("/on", "must run on pushes to `main` (`on.push.branches: [main]`)");

  const [upload] = stepsWhere(workflow, (step) => usesAction(step, "actions/upload-pages-artifact"));
  if (!upload) {
    need("/jobs", `upload ${docsSiteDir} with actions/upload-pages-artifact`);
  } else {
    if (!samePath(upload.step.with.path, docsSiteDir)) {
      need(
        `${upload.step.pointer}/with`,
        `actions/upload-pages-artifact must upload \`path: ${docsSiteDir}\``,
      );
    }
    const built = upload.job.steps
      .slice(0, upload.index)
      .some((step) => runsCommand(step.run, "npm run docs"));
    if (!built) need(upload.job.pointer, "run `npm run docs` before uploading the site, in the same job");
  }

  const [deploy] = stepsWhere(workflow, (step) => usesAction(step, "actions/deploy-pages"));
  if (!deploy) {
    need("/jobs", "deploy the site with actions/deploy-pages");
    return findings;
  }
  const { job } = deploy;
  for (const scope of deployScopes) {
    if (jobPermission(job, scope) !== "write") {
      need(`${job.pointer}/permissions`, `job \`${job.id}\` deploys to Pages and needs \`${scope}: write\``);
    }
  }
  if (job.environment !== "github-pages") {
    need(job.pointer, `job \`${job.id}\` must deploy to the \`github-pages\` environment`);
  }
  if (upload && upload.job !== job && !job.needs.includes(upload.job.id)) {
    need(
      job.pointer,
      `job \`${job.id}\` must wait for \`${upload.job.id}\`, which uploads the site (\`needs\`)`,
    );
  }
  for (const other of workflow.jobs.filter((j) => j !== job)) {
    for (const scope of deployScopes) {
      if (jobPermission(other, scope) === "write") {
        need(
          `${other.pointer}/permissions`,
          `only the deploying job may have \`${scope}: write\`, job \`${other.id}\` does not deploy`,
        );
      }
    }
  }
  return findings;
}
