// Which files of a repository name a provider: git's own list (tracked, and new files git does not ignore, so a file
// is caught before its first commit), each file named by a provider id in its path or, in any case, in its content.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";

export interface NamingFile {
  /** From the repository root, with `/`: `apps/receiver/src/app.ts`. */
  path: string;
  /** The providers it names, in the order given. */
  providers: string[];
  /** Where the first one is named: `path`, or the 1-based line of the content. */
  firstAt: "path" | number;
}

export function gitFiles(root: string): string[] {
  const output = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
    cwd: root,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  return [...new Set(output.split("\0").filter((path) => path !== ""))].sort();
}

function lineOf(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf("\n"); i !== -1 && i < index; i = text.indexOf("\n", i + 1)) line++;
  return line;
}

/** The files of `root` that name one of `providers` (ids, matched case-insensitively). */
export function filesNamingProviders(root: string, providers: readonly string[]): NamingFile[] {
  const ids = providers.map((provider) => provider.toLowerCase());
  const result: NamingFile[] = [];
  for (const path of gitFiles(root)) {
    let text: string;
    try {
      // latin1: every byte is one character, so binary files read without errors and ids (ASCII) still match.
      text = readFileSync(join(root, path), "latin1").toLowerCase();
    } catch (error) {
      // Deleted from the work tree but still in the index: nothing to classify until the deletion is committed.
      if ((error as NodeJS.ErrnoException).code === "ENOENT") continue;
      throw error;
    }
    const lowerPath = path.toLowerCase();
    const named = ids.filter((id) => lowerPath.includes(id) || text.includes(id));
    if (named.length === 0) continue;
    const inPath = ids.some((id) => lowerPath.includes(id));
    const firstIndex = Math.min(...named.map((id) => text.indexOf(id)).filter((index) => index !== -1));
    result.push({ path, providers: named, firstAt: inPath ? "path" : lineOf(text, firstIndex) });
  }
  return result;
}
