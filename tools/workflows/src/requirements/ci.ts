// ci.yml: on pushes and pull requests, what .ci/run does on the machines: `npm ci`, Chromium, PostgreSQL as a
// service with TEST_DATABASE_URL, then `npm test` with CI=true (so a missing browser or database fails), on Node.js
// 20, 22 and 24 (a setup-node matrix, or Node.js 20 and the matrix script `npm test` runs), npm's cache and a
// concurrency group.
import type { WorkflowFinding } from "../finding.js";
import { isMapping, type Job, type Step, stepEnv, type Workflow } from "../workflow.js";
import {
  isTrue,
  type RequirementContext,
  requirement,
  runsCommand,
  runsNpmTest,
  stepsWhere,
  usesAction,
} from "./context.js";

/** The Node.js majors the project supports (README, `engines`, scripts/node-matrix.mjs). */
const supportedNodeMajors = [20, 22, 24] as const;

function major(version: unknown): number | undefined {
  const match = /^v?(\d+)/.exec(String(version ?? "").trim());
  return match ? Number(match[1]) : undefined;
}

function installsChromium(step: Step): boolean {
  const run = (step.run ?? "").replace(/\\\r?\n\s*/g, " ");
  return /apt(-get)?\s+install\b[^\n]*\bchromium\b/.test(run);
}

/** The Node.js majors a job runs `npm test` on, or why they cannot be told. */
function nodeMajors(
  job: Job,
  setupNode: Step,
  { facts }: RequirementContext,
): { majors: number[] } | { problem: string } {
  const version = setupNode.with["node-version"];
  const matrixKey = /\$\{\{\s*matrix\.([\w-]+)\s*\}\}/.exec(String(version ?? ""))?.[1];
  if (matrixKey) {
    const matrix = isMapping(job.strategy.matrix) ? job.strategy.matrix : {};
    const values = Array.isArray(matrix[matrixKey]) ? (matrix[matrixKey] as unknown[]) : [];
    return { majors: values.map(major).filter((m): m is number => m !== undefined) };
  }
  const own = major(version);
  if (own === undefined) return { problem: "actions/setup-node has no `node-version`" };
  if (!facts.testScript.includes("test:node-matrix")) return { majors: [own] };
  return {
    majors: [own, ...facts.nodeMatrixVersions.map(major).filter((m): m is number => m !== undefined)],
  };
}

export function ciFindings(workflow: Workflow, context: RequirementContext): WorkflowFinding[] {
  const findings: WorkflowFinding[] = [];
  const need = (pointer: string, message: string) => findings.push(requirement(workflow, pointer, message));

  for (const event of ["push", "pull_request"]) {
    if (!workflow.triggers.includes(event)) need("/on", `must run on \`${event}\``);
  }
  if (workflow.concurrency === undefined) {
    need("", "needs a top-level `concurrency` group, so that a new push cancels a pull request's stale run");
  }

  const [testing] = stepsWhere(workflow, (step) => runsNpmTest(step.run));
  if (!testing) {
    need(
      "/jobs",
      "no step runs `npm test`: the workflow must run every check `npm test` runs, as .ci/run does",
    );
    return findings;
  }
  const { job, step, index } = testing;
  const before = job.steps.slice(0, index);
  const env = stepEnv(workflow, job, step);

  if (!isTrue(env.CI) && !/(^|\s)CI=(true|"true"|'true')\s/.test(step.run ?? "")) {
    need(
      step.pointer,
      '`npm test` must run with `CI: "true"` in its env: under CI a missing browser or database fails instead of skipping',
    );
  }
  const postgres = Object.values(job.services).some(
    (service) => isMapping(service) && String(service.image ?? "").startsWith("postgres"),
  );
  if (!postgres) {
    need(`${job.pointer}/services`, `job \`${job.id}\` needs a PostgreSQL service (\`image: postgres:…\`)`);
  }
  if (typeof env.TEST_DATABASE_URL !== "string" || env.TEST_DATABASE_URL === "") {
    need(step.pointer, "`npm test` needs `TEST_DATABASE_URL` in its env, the URL of the PostgreSQL service");
  }
  if (!before.some(installsChromium)) {
    need(
      job.pointer,
      "install Chromium (`apt-get install chromium`) before `npm test`: the browser tests drive it",
    );
  }
  if (!before.some((s) => runsCommand(s.run, "npm ci"))) {
    need(job.pointer, "run `npm ci` before `npm test`: a clean install from the lock file");
  }

  const setupNode = before.find((s) => usesAction(s, "actions/setup-node"));
  if (!setupNode) {
    need(job.pointer, "set up Node.js with actions/setup-node before `npm test`");
    return findings;
  }
  if (setupNode.with.cache !== "npm") {
    need(`${setupNode.pointer}/with`, "actions/setup-node needs `cache: npm`");
  }
  const versions = nodeMajors(job, setupNode, context);
  if ("problem" in versions) {
    need(`${setupNode.pointer}/with`, versions.problem);
  } else {
    const missing = supportedNodeMajors.filter((m) => !versions.majors.includes(m));
    if (missing.length > 0) {
      need(
        `${setupNode.pointer}/with/node-version`,
        `Node.js ${missing.join(" and ")} ${missing.length === 1 ? "is" : "are"} not tested: run on 20 with \`npm test\` running scripts/node-matrix.mjs (22, 24), or a matrix of ${supportedNodeMajors.join(", ")}`,
      );
    }
  }
  return findings;
}
