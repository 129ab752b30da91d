// Reads what the check needs from a checkout: the workflow files, the root `test` script and the Node.js versions
// of scripts/node-matrix.mjs (read as text: running the script would run the matrix).
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { checkWorkflows, type WorkflowSource, workflowsDir } from "./check.js";
import type { WorkflowFinding } from "./finding.js";
import type { RepositoryFacts } from "./requirements/index.js";

/** The repository this package sits in: tools/workflows/src → the root. */
export const repositoryRoot = join(import.meta.dirname, "..", "..", "..");

export function readWorkflowSources(root: string): WorkflowSource[] {
  const dir = join(root, workflowsDir);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => ({ file: `${workflowsDir}/${name}`, source: readFileSync(join(dir, name), "utf8") }));
}

/** The versions of `export const versions = ["22.23.5", "24.22.3"];`, empty when the line is not there. */
export function nodeMatrixVersionsOf(script: string): string[] {
  const list = /export const versions\s*=\s*\[([^\]]*)\]/.exec(script)?.[1] ?? "";
  return [...list.matchAll(/["']([^"']+)["']/g)].map((m) => m[1] ?? "");
}

export function readRepositoryFacts(root: string): RepositoryFacts {
  const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
    scripts?: Record<string, string>;
  };
  const matrixScript = join(root, "scripts", "node-matrix.mjs");
  return {
    testScript: manifest.scripts?.test ?? "",
    nodeMatrixVersions: existsSync(matrixScript)
      ? nodeMatrixVersionsOf(readFileSync(matrixScript, "utf8"))
      : [],
  };
}

/** Every finding for the workflows of the checkout at `root`. */
export function checkRepository(root: string = repositoryRoot): WorkflowFinding[] {
  return checkWorkflows(readWorkflowSources(root), readRepositoryFacts(root));
}
