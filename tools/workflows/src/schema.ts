// The GitHub Actions workflow schema, checked by @action-validator/core: SchemaStore's github-workflow.json compiled
// with its validator into WebAssembly and shipped in the package, so the check reads nothing from the network.
import { type ValidationError, validateWorkflow } from "@action-validator/core";
import type { WorkflowFinding } from "./finding.js";

type SchemaError = ValidationError & { path?: string; states?: { errors: ValidationError[] }[] };

interface Problem {
  pointer: string;
  code: "parse" | "schema";
  message: string;
}

/** `/jobs/test/runs-on` → `["/jobs/test", "runs-on"]`: a missing property is reported on the object that lacks it. */
function splitPointer(path: string): [string, string] {
  const at = path.lastIndexOf("/");
  return [
    path.slice(0, Math.max(at, 0)),
    path
      .slice(at + 1)
      .replace(/~1/g, "/")
      .replace(/~0/g, "~"),
  ];
}

function problem(error: SchemaError): Problem {
  if (error.code === "parse_error") {
    return { pointer: "", code: "parse", message: `not valid YAML: ${error.detail ?? error.title}` };
  }
  if (error.code === "required") {
    const [pointer, name] = splitPointer(error.path ?? "");
    return { pointer, code: "schema", message: `\`${name}\` is required` };
  }
  return {
    pointer: error.path ?? "",
    code: "schema",
    message: error.detail ? `${error.title}: ${error.detail}` : error.title,
  };
}

/**
 * The problems worth showing. A `oneOf` (a job runs steps or calls a reusable workflow; `permissions` is a string or
 * a mapping) fails with the errors of every alternative; the alternative with the fewest errors is the one the author
 * meant, so its errors say what to fix. When alternatives tie, each missing one property (a step needs `uses` or
 * `run`), they are one problem: one of those properties is required.
 */
function problems(error: SchemaError): Problem[] {
  if (!error.states?.length) return [problem(error)];
  const fewest = Math.min(...error.states.map((state) => state.errors.length));
  const closest = error.states.filter((state) => state.errors.length === fewest);
  const missing = closest.map(({ errors: [only] }) =>
    only?.code === "required" ? (only as SchemaError) : undefined,
  );
  if (closest.length > 1 && fewest === 1 && missing.every((e) => e !== undefined)) {
    const names = missing.map((e) => `\`${splitPointer(e?.path ?? "")[1]}\``);
    return [
      {
        pointer: splitPointer(missing[0]?.path ?? "")[0],
        code: "schema",
        message: `one of ${names.join(", ")} is required`,
      },
    ];
  }
  return (closest[0]?.errors ?? []).flatMap((nested) => problems(nested as SchemaError));
}

/** What the workflow schema refuses in `source`, each with the JSON pointer it names. */
export function schemaFindings(file: string, source: string): WorkflowFinding[] {
  const { errors } = validateWorkflow(source);
  const findings = (errors as SchemaError[]).flatMap(problems).map((p): WorkflowFinding => ({ file, ...p }));
  // The same leaf can be reached through two alternatives.
  const seen = new Set<string>();
  return findings.filter((finding) => {
    const key = `${finding.pointer}\n${finding.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
