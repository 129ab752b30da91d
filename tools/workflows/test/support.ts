// The repository's own workflows, edited in one place each: the tests break a real workflow the way a commit could,
// and check that the finding names the file and what is wrong.
import { type Document, parseDocument } from "yaml";
import { checkWorkflows, type WorkflowSource } from "../src/check.js";
import type { WorkflowFinding } from "../src/finding.js";
import { readRepositoryFacts, readWorkflowSources, repositoryRoot } from "../src/repository.js";

export const facts = readRepositoryFacts(repositoryRoot);
export const sources = readWorkflowSources(repositoryRoot);
export const workflowNames = sources.map(({ file }) => file.replace(/^.*\//, ""));

export const fileOf = (name: string) => `.github/workflows/${name}`;

/** The repository's workflows, `name` replaced by `source`. */
export function withSource(name: string, source: string): WorkflowSource[] {
  return sources.map((s) => (s.file === fileOf(name) ? { ...s, source } : s));
}

/** The repository's workflows, `name` edited through its YAML document (comments and the rest stay as they are). */
export function edited(name: string, edit: (document: Document) => void): WorkflowSource[] {
  const original = sources.find((s) => s.file === fileOf(name));
  if (!original) throw new Error(`no workflow ${name}`);
  const document = parseDocument(original.source);
  edit(document);
  return withSource(name, document.toString());
}

/** Every finding for the repository's workflows after `edit` of `name`. */
export function findingsAfter(name: string, edit: (document: Document) => void): WorkflowFinding[] {
  return checkWorkflows(edited(name, edit), facts);
}

interface StepJson {
  uses?: string;
  run?: string;
}

/** The path of the first step (in document order) that `test` accepts: `["jobs", id, "steps", index]`. */
export function stepPath(document: Document, test: (step: StepJson) => boolean): (string | number)[] {
  const jobs = (document.toJS() as { jobs: Record<string, { steps?: StepJson[] }> }).jobs;
  for (const [id, job] of Object.entries(jobs)) {
    const index = (job.steps ?? []).findIndex(test);
    if (index !== -1) return ["jobs", id, "steps", index];
  }
  throw new Error("no such step");
}

/** The id of the first job that runs steps on a runner (not a reusable workflow call). */
export function firstRunnerJob(document: Document): string {
  const jobs = (document.toJS() as { jobs: Record<string, { "runs-on"?: unknown }> }).jobs;
  const id = Object.keys(jobs).find((key) => jobs[key]?.["runs-on"] !== undefined);
  if (!id) throw new Error("no job with runs-on");
  return id;
}

/** A JSON pointer from a document path. */
export const pointer = (path: (string | number)[]) => `/${path.join("/")}`;
