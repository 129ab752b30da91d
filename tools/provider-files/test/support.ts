// A throwaway git repository with the files a test gives, removed when the test finishes.
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { tempDirForTest } from "@meeting-webhooks/test-support";

/** A table row as the guide writes it. */
export const row = (pattern: string, kind = "mention", why = "names a provider") =>
  `| \`${pattern}\` | ${kind} | ${why} |`;

/** The guide with these rows under the heading the check reads; it names a provider, as the real one does. */
export function guide(...rows: string[]): string {
  return [
    "# Adding a provider",
    "",
    "How acme was added.",
    "",
    "## Every file that names a provider",
    "",
    "| file | kind | why |",
    "|---|---|---|",
    ...rows,
    "",
    "## After the table",
    "",
    "| `not/read.ts` | mention | rows after the section are not the table's |",
    "",
  ].join("\n");
}

/** A git repository holding `files` (path → content), all added to the index; returns its root. */
export function gitRepository(files: Record<string, string>): string {
  const root = tempDirForTest("provider-files-");
  execFileSync("git", ["init", "-q"], { cwd: root });
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  execFileSync("git", ["add", "-A"], { cwd: root });
  return root;
}
