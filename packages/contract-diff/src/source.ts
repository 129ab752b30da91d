// Where a contract version comes from: a file on disk, or a file at a git revision (`git:<ref>:<path>`). A source
// reads every file the contract references from the same place, so a git source sees the schema files as they
// were at that revision, not as they are in the working tree.
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { dirname, isAbsolute, posix, relative, resolve } from "node:path";
import { promisify } from "node:util";
import { ContractLoadError } from "./errors.js";

const run = promisify(execFile);

export type SpecSource =
  | { kind: "file"; path: string }
  | {
      kind: "git";
      /** Any revision git understands: a branch, `origin/main`, `HEAD~1`, a tag, a commit. */
      ref: string;
      /** Relative to the repository root, as in `git show <ref>:<path>`; `./` or `../` is relative to cwd. */
      path: string;
    };

/** Parses a command-line spec argument: `git:<ref>:<path>` or a file path. */
export function parseSpecSource(spec: string): SpecSource {
  if (!spec.startsWith("git:")) {
    if (spec === "") throw new ContractLoadError("invalid_source", "A spec path cannot be empty.");
    return { kind: "file", path: spec };
  }
  const rest = spec.slice("git:".length);
  // Git refs cannot contain ":", so the first one ends the ref.
  const colon = rest.indexOf(":");
  if (colon <= 0 || colon === rest.length - 1) {
    throw new ContractLoadError(
      "invalid_source",
      `"${spec}" is not a git source: write git:<ref>:<path>, e.g. git:origin/main:specs/meetingbaas/openapi.yaml.`,
    );
  }
  return { kind: "git", ref: rest.slice(0, colon), path: rest.slice(colon + 1) };
}

export function describeSource(source: SpecSource): string {
  return source.kind === "file" ? source.path : `git:${source.ref}:${source.path}`;
}

/** Reads the files of one contract version. Paths are the reader's own: absolute on disk, repo-relative in git. */
export interface SourceReader {
  /** The path of the root document. */
  readonly root: string;
  read(path: string): Promise<string>;
  /** The path a relative `$ref` in `from` points at. */
  resolve(from: string, ref: string): string;
  /** How to name a path in messages. */
  display(path: string): string;
}

export async function openSource(source: SpecSource, cwd: string = process.cwd()): Promise<SourceReader> {
  return source.kind === "file" ? fileReader(resolve(cwd, source.path), cwd) : gitReader(source, cwd);
}

function fileReader(root: string, cwd: string): SourceReader {
  const display = (path: string) => {
    const near = relative(cwd, path);
    return near.startsWith("..") || isAbsolute(near) ? path : near;
  };
  return {
    root,
    display,
    resolve: (from, ref) => resolve(dirname(from), decodeURI(ref)),
    async read(path) {
      try {
        return await readFile(path, "utf8");
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        throw new ContractLoadError(
          code === "ENOENT" ? "not_found" : "parse_failed",
          code === "ENOENT"
            ? `No such file: ${display(path)}`
            : `Cannot read ${display(path)}: ${(error as Error).message}`,
          display(path),
        );
      }
    },
  };
}

async function git(args: string[], cwd: string): Promise<string> {
  try {
    const { stdout } = await run("git", args, { cwd, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === "ENOENT") {
      throw new ContractLoadError("git_failed", "git is not installed or not on PATH; git: sources need it.");
    }
    throw new ContractLoadError("git_failed", (e.stderr ?? e.message).trim());
  }
}

async function gitReader(source: Extract<SpecSource, { kind: "git" }>, cwd: string): Promise<SourceReader> {
  let prefix: string;
  try {
    // Where cwd is inside the repository, for ./ paths; fails first and clearly outside a repository.
    prefix = (await git(["rev-parse", "--show-prefix"], cwd)).trim();
  } catch (error) {
    throw new ContractLoadError(
      "git_failed",
      `git:${source.ref}:${source.path} needs a git repository at ${cwd}: ${(error as Error).message}`,
    );
  }
  let commit: string;
  try {
    // Resolve the ref once, so every file comes from the same commit even if the branch moves meanwhile.
    commit = (await git(["rev-parse", "--verify", "--quiet", `${source.ref}^{commit}`], cwd)).trim();
  } catch {
    const [remote, ...branch] = source.ref.split("/");
    const fetch =
      branch.length > 0 ? `git fetch ${remote} ${branch.join("/")}` : `git fetch origin ${source.ref}`;
    throw new ContractLoadError(
      "unknown_ref",
      `Unknown git revision "${source.ref}". Fetch it first (${fetch}), or in CI check out with enough history ` +
        "(actions/checkout with fetch-depth: 0).",
    );
  }
  let root = source.path;
  if (root.startsWith("./") || root.startsWith("../")) root = posix.join(prefix, root);
  root = posix.normalize(root).replace(/^\/+/, "");
  const display = (path: string) => `git:${source.ref}:${path}`;
  return {
    root,
    display,
    resolve(from, ref) {
      const target = posix.normalize(posix.join(posix.dirname(from), decodeURI(ref)));
      if (target.startsWith("../")) {
        throw new ContractLoadError(
          "ref_outside_repository",
          `$ref "${ref}" in ${display(from)} points outside the repository.`,
          display(from),
        );
      }
      return target;
    },
    async read(path) {
      try {
        return await git(["show", `${commit}:${path}`], cwd);
      } catch (error) {
        throw new ContractLoadError(
          "not_found",
          `No such file at ${source.ref}: ${path}${error instanceof Error ? ` (${error.message})` : ""}`,
          display(path),
        );
      }
    },
  };
}
