// A workflow file read into the few things the checks look at (triggers, permissions, jobs, steps, env), each with
// its JSON pointer. The schema has already said whether the file is a valid workflow; this view reads what is there
// and never throws on odd shapes, so that one broken part is reported instead of crashing the check.
import { parse } from "yaml";

export type Mapping = Readonly<Record<string, unknown>>;

export interface Step {
  /** `/jobs/<job>/steps/<index>` */
  pointer: string;
  name?: string;
  uses?: string;
  run?: string;
  with: Mapping;
  env: Mapping;
}

export interface Job {
  id: string;
  /** `/jobs/<job>` */
  pointer: string;
  /** A reusable workflow the job calls instead of running steps. */
  uses?: string;
  needs: string[];
  permissions: unknown;
  environment?: string;
  env: Mapping;
  services: Mapping;
  strategy: Mapping;
  steps: Step[];
}

export interface Workflow {
  /** From the repository root: `.github/workflows/ci.yml`. */
  file: string;
  /** Every event that starts the workflow, whatever the form of `on` (a string, a list or a mapping). */
  triggers: string[];
  /** `on` when it is a mapping (`on.push.branches`…), else empty. */
  on: Mapping;
  permissions: unknown;
  env: Mapping;
  concurrency: unknown;
  jobs: Job[];
}

export function isMapping(value: unknown): value is Mapping {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function mapping(value: unknown): Mapping {
  return isMapping(value) ? value : {};
}

function text(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function list(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  return value === undefined || value === null ? [] : [value];
}

/** One token of a JSON pointer (RFC 6901). */
export function pointerToken(token: string | number): string {
  return String(token).replace(/~/g, "~0").replace(/\//g, "~1");
}

function readStep(jobPointer: string, value: unknown, index: number): Step {
  const step = mapping(value);
  return {
    pointer: `${jobPointer}/steps/${index}`,
    name: text(step.name),
    uses: text(step.uses),
    run: text(step.run),
    with: mapping(step.with),
    env: mapping(step.env),
  };
}

function readJob(id: string, value: unknown): Job {
  const job = mapping(value);
  const pointer = `/jobs/${pointerToken(id)}`;
  const environment = isMapping(job.environment) ? text(job.environment.name) : text(job.environment);
  return {
    id,
    pointer,
    uses: text(job.uses),
    needs: list(job.needs).filter((need): need is string => typeof need === "string"),
    permissions: job.permissions,
    environment,
    env: mapping(job.env),
    services: mapping(job.services),
    strategy: mapping(job.strategy),
    steps: list(job.steps).map((step, index) => readStep(pointer, step, index)),
  };
}

function triggersOf(on: unknown): string[] {
  if (isMapping(on)) return Object.keys(on);
  return list(on).filter((event): event is string => typeof event === "string");
}

/** Reads a workflow's YAML; `undefined` when it is not YAML (the schema check reports why). */
export function readWorkflow(file: string, source: string): Workflow | undefined {
  let document: unknown;
  try {
    document = parse(source);
  } catch {
    return undefined;
  }
  const root = mapping(document);
  return {
    file,
    triggers: triggersOf(root.on),
    on: mapping(root.on),
    permissions: root.permissions,
    env: mapping(root.env),
    concurrency: root.concurrency,
    jobs: Object.entries(mapping(root.jobs)).map(([id, job]) => readJob(id, job)),
  };
}

/** The environment a step runs with: the workflow's, then the job's, then its own `env`, the later winning. */
export function stepEnv(workflow: Workflow, job: Job, step: Step): Mapping {
  return { ...workflow.env, ...job.env, ...step.env };
}

/** The action a `uses:` names, without its version: `actions/checkout@v4` → `actions/checkout`. */
export function actionName(uses: string): string {
  const at = uses.lastIndexOf("@");
  return at === -1 ? uses : uses.slice(0, at);
}
