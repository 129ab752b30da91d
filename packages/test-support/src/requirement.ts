// The one rule for tests that need something outside Node (a browser, a server): run when it is there; when it is
// missing, skip with one printed line saying how to enable it, unless CI is set, where a missing requirement fails
// the run so that CI can never pass by testing less.

/** Something a group of tests needs, and what looking for it found. */
export interface Requirement<T> {
  /** The tests that need it, as a reader would name them: "the docs site in Chromium". */
  tests: string;
  /** What they need: "Chromium", "PostgreSQL at 127.0.0.1:5432". */
  needs: string;
  /** What was found (a path, a connection string), or undefined when nothing was. */
  found: T | undefined;
  /** One sentence saying how to make it available. */
  howToEnable: string;
}

export type RequirementDecision<T> =
  | { action: "run"; found: T }
  | { action: "skip"; message: string }
  | { action: "fail"; code: "requirement_missing"; message: string };

/** True when the environment says this is a CI run: `CI` set to anything but "", "0" or "false". */
export function isCi(env: NodeJS.ProcessEnv = process.env): boolean {
  const ci = env.CI?.trim().toLowerCase();
  return ci !== undefined && ci !== "" && ci !== "0" && ci !== "false";
}

/** Applies the skip-or-fail rule to what was found; prints and throws nothing. */
export function decideRequirement<T>(
  requirement: Requirement<T>,
  env: NodeJS.ProcessEnv = process.env,
): RequirementDecision<T> {
  const { tests, needs, found, howToEnable } = requirement;
  if (found !== undefined) return { action: "run", found };
  if (isCi(env)) {
    return {
      action: "fail",
      code: "requirement_missing",
      message: `${tests}: no ${needs} found, and CI is set, so this fails instead of skipping. ${howToEnable}`,
    };
  }
  return {
    action: "skip",
    message: `[skip] ${tests}: no ${needs} found. ${howToEnable} (With CI=true a missing ${needs} fails the run.)`,
  };
}

/** Raised when a requirement is missing and CI is set. */
export class RequirementMissingError extends Error {
  readonly code = "requirement_missing";
  override name = "RequirementMissingError";
}

/**
 * For a test file, at collection time: what was found, to run the tests with; or undefined after printing the one
 * skip line (then skip the tests with `describe.runIf`). Throws {@link RequirementMissingError} under CI.
 */
export function requireOrSkip<T>(
  requirement: Requirement<T>,
  env: NodeJS.ProcessEnv = process.env,
  print: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): T | undefined {
  const decision = decideRequirement(requirement, env);
  if (decision.action === "fail") throw new RequirementMissingError(decision.message);
  if (decision.action === "skip") {
    print(decision.message);
    return undefined;
  }
  return decision.found;
}
