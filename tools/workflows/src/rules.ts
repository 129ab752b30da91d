// The rules every workflow of the repository follows, whatever it does: least privilege (a top-level `permissions`
// no wider than `contents: read`, widened per job where needed), every action pinned, no `pull_request_target`.
import type { WorkflowFinding } from "./finding.js";
import { isMapping, pointerToken, type Workflow } from "./workflow.js";

/** A major version tag (`v4`) or a full commit SHA; anything else (a branch, `latest`, no ref) moves under us. */
const pinnedRef = /^(v\d+|[0-9a-f]{40})$/;

/** Top level: a mapping of scopes, none of them `write`. Jobs widen it where they need to. */
function permissionFindings(workflow: Workflow): WorkflowFinding[] {
  const { file, permissions } = workflow;
  const finding = (pointer: string, message: string): WorkflowFinding => ({
    file,
    pointer,
    code: "permissions",
    message,
  });
  if (permissions === undefined) {
    return [
      finding(
        "",
        "no top-level `permissions`: without one the token gets the repository's default, often write-all. Start with `permissions: { contents: read }` and widen it per job",
      ),
    ];
  }
  if (!isMapping(permissions)) {
    return [
      finding(
        "/permissions",
        `top-level \`permissions: ${String(permissions)}\` is wider than needed: list the scopes (\`contents: read\` or narrower) and widen them per job`,
      ),
    ];
  }
  return Object.entries(permissions)
    .filter(([, level]) => level === "write")
    .map(([scope]) =>
      finding(
        `/permissions/${pointerToken(scope)}`,
        `\`${scope}: write\` at the top level gives it to every job: grant it only to the job that needs it`,
      ),
    );
}

/** Every `uses:`, of a step or of a job calling a reusable workflow, with where it is. */
function usesOf(workflow: Workflow): { pointer: string; uses: string }[] {
  return workflow.jobs.flatMap((job) => [
    ...(job.uses ? [{ pointer: `${job.pointer}/uses`, uses: job.uses }] : []),
    ...job.steps.flatMap((step) => (step.uses ? [{ pointer: `${step.pointer}/uses`, uses: step.uses }] : [])),
  ]);
}

function pinningFindings(workflow: Workflow): WorkflowFinding[] {
  return usesOf(workflow).flatMap(({ pointer, uses }): WorkflowFinding[] => {
    // A local action or workflow is reviewed in the same pull request as the workflow that uses it.
    if (uses.startsWith("./")) return [];
    if (uses.startsWith("docker://")) {
      return /@sha256:[0-9a-f]{64}$/.test(uses)
        ? []
        : [
            {
              file: workflow.file,
              pointer,
              code: "unpinned-action",
              message: `\`${uses}\` is not pinned: name the image by digest (\`@sha256:…\`)`,
            },
          ];
    }
    const at = uses.lastIndexOf("@");
    const ref = at === -1 ? "" : uses.slice(at + 1);
    if (pinnedRef.test(ref)) return [];
    return [
      {
        file: workflow.file,
        pointer,
        code: "unpinned-action",
        message: `\`${uses}\` is not pinned: use a major version (\`@v4\`) or a full 40-character commit SHA`,
      },
    ];
  });
}

function triggerFindings(workflow: Workflow): WorkflowFinding[] {
  if (!workflow.triggers.includes("pull_request_target")) return [];
  return [
    {
      file: workflow.file,
      pointer: "/on",
      code: "pull-request-target",
      message:
        "`pull_request_target` runs with a write token and the repository's secrets, and checking out the pull request's code there hands both to a fork: use `pull_request`",
    },
  ];
}

/** The rules every workflow follows. */
export function ruleFindings(workflow: Workflow): WorkflowFinding[] {
  return [...permissionFindings(workflow), ...pinningFindings(workflow), ...triggerFindings(workflow)];
}
