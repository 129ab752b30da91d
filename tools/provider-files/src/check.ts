// The check: every file that names a provider is matched by a row of the guide's table, and every row matches a file.
// Either failure names what to edit, so the guide's list of what a new provider touches stays the whole list.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { providers as knownProviders } from "@meeting-webhooks/specs/providers";
import { filesNamingProviders, type NamingFile } from "./scan.js";
import { type Kind, type Row, readTable, type TableError, tableHeading } from "./table.js";

/** The guide, from the repository root. */
export const guidePath = "docs/adding-a-provider.md";

export type Finding =
  | TableError
  /** A file names a provider and no row matches it. */
  | { code: "unclassified-file"; at: string; message: string }
  /** A row matches none of the files that name a provider: renamed, removed, or no longer naming one. */
  | { code: "stale-row"; at: string; message: string };

export interface Classified extends NamingFile {
  /** The first row that matches it, in the table's order. */
  row: Row;
}

export interface CheckResult {
  findings: Finding[];
  classified: Classified[];
}

export interface CheckOptions {
  /** Provider ids to look for; the one list (`@meeting-webhooks/specs/providers`) by default. */
  providers?: readonly string[];
  /** The guide, from `root`. */
  guide?: string;
}

/** The kind a new row probably has, for the message: docs, tests and changesets only mention providers. */
function likelyKind(path: string): Kind {
  if (/(^|\/)(test|tests|__tests__)\/|\.test(-d)?\.[cm]?[jt]s$|\.md$|^\.changeset\//.test(path))
    return "mention";
  return "exception";
}

function whereNamed(file: NamingFile): string {
  const names = file.providers.join(" and ");
  return file.firstAt === "path"
    ? `its path names ${names}`
    : `it names ${names} (first on line ${file.firstAt})`;
}

export function checkProviderFiles(root: string, options: CheckOptions = {}): CheckResult {
  const guide = options.guide ?? guidePath;
  let markdown: string;
  try {
    markdown = readFileSync(join(root, guide), "utf8");
  } catch {
    return { findings: [{ code: "no-table", at: guide, message: `${guide} is missing` }], classified: [] };
  }
  const table = readTable(markdown, guide);
  if (!table.ok) return { findings: table.errors, classified: [] };
  const files = filesNamingProviders(root, options.providers ?? knownProviders);
  const findings: Finding[] = [];
  const classified: Classified[] = [];
  const used = new Set<Row>();
  for (const file of files) {
    const matching = table.rows.filter((row) => row.matches(file.path));
    for (const row of matching) used.add(row);
    const [row] = matching;
    if (row) {
      classified.push({ ...file, row });
      continue;
    }
    const kind = likelyKind(file.path);
    findings.push({
      code: "unclassified-file",
      at: file.path,
      message:
        `${whereNamed(file)}, and no row of ${guide} matches it. Add this row to the table under ` +
        `"${tableHeading}" (kind: new, registry, exception or mention; say why): ` +
        `| \`${file.path}\` | ${kind} | ${kind === "mention" ? "names a provider in an example or a test" : "<why this file must know the provider>"} |`,
    });
  }
  for (const row of table.rows) {
    if (used.has(row)) continue;
    findings.push({
      code: "stale-row",
      at: `${guide}:${row.line}`,
      message: `the row \`${row.pattern}\` matches no file that names a provider: remove it, or fix the path if the file moved`,
    });
  }
  return { findings, classified };
}

/** One line: `apps/receiver/src/x.ts: … [unclassified-file]`. */
export function formatFinding(finding: Finding): string {
  return `${finding.at}: ${finding.message} [${finding.code}]`;
}
