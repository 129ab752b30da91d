// What the checks report: one value per problem, with the workflow file, the JSON pointer of the offending part and a
// message that says what to do, so that a broken workflow reads like a failing test.

export type FindingCode =
  /** Not YAML at all. */
  | "parse"
  /** Refused by the GitHub Actions workflow schema (an unknown key, a wrong type, a missing `runs-on`…). */
  | "schema"
  /** No top-level `permissions`, or one wider than `contents: read`. */
  | "permissions"
  /** A `uses:` not pinned to a major version (`@v4`) or a full commit SHA. */
  | "unpinned-action"
  /** Triggered by `pull_request_target`, which runs with a write token and the secrets next to a fork's code. */
  | "pull-request-target"
  /** A workflow the project relies on is missing. */
  | "missing-workflow"
  /** A workflow does not do what the project needs it to (run `npm test`, deploy the docs, publish…). */
  | "requirement";

export interface WorkflowFinding {
  /** The workflow, from the repository root: `.github/workflows/ci.yml`. */
  file: string;
  /** JSON pointer into the workflow of what is wrong, `""` for the whole file. */
  pointer: string;
  code: FindingCode;
  message: string;
}

/** One line: `.github/workflows/ci.yml /jobs/test/steps/2/uses: … [unpinned-action]`. */
export function formatFinding({ file, pointer, code, message }: WorkflowFinding): string {
  return `${file}${pointer ? ` ${pointer}` : ""}: ${message} [${code}]`;
}
