// The table of docs/adding-a-provider.md read as data: under the heading "Every file that names a provider", one row
// per path or glob with its kind. The guide is the source; this module only reads it, so a reviewer edits one place.
import picomatch from "picomatch";

/** The heading of the section whose table the check reads. */
export const tableHeading = "Every file that names a provider";

/**
 * `new`: a file the new provider adds its own copy of. `registry`: a list that gets one line. `exception`: provider
 * knowledge that lives elsewhere for a reason the row gives. `mention`: docs, tests and examples that only name one.
 */
export const kinds = ["new", "registry", "exception", "mention"] as const;
export type Kind = (typeof kinds)[number];

export interface Row {
  /** A path from the repository root or a glob (`specs/*\/schemas/**`, `**\/test/**`), as written in backticks. */
  pattern: string;
  kind: Kind;
  /** Why the file names a provider, or what to add to it. */
  why: string;
  /** The row's line in the guide, 1-based, for messages. */
  line: number;
  matches(path: string): boolean;
}

export interface TableError {
  code: "no-table" | "bad-row";
  /** Where in the guide: `docs/adding-a-provider.md:42`. */
  at: string;
  message: string;
}

export type TableResult = { ok: true; rows: Row[] } | { ok: false; errors: TableError[] };

const cells = (line: string): string[] =>
  line
    .trim()
    .replace(/^\|/, "")
    .replace(/\|$/, "")
    .split("|")
    .map((cell) => cell.trim());

/** Reads the table under {@link tableHeading}; `guide` names the file in messages. */
export function readTable(markdown: string, guide: string): TableResult {
  const lines = markdown.split("\n");
  const start = lines.findIndex((line) => /^#{2,3}\s/.test(line) && line.includes(tableHeading));
  if (start === -1) {
    return {
      ok: false,
      errors: [
        { code: "no-table", at: guide, message: `no heading "${tableHeading}" with the table of files` },
      ],
    };
  }
  const rows: Row[] = [];
  const errors: TableError[] = [];
  for (let index = start + 1; index < lines.length; index++) {
    const line = lines[index] as string;
    if (/^#{1,3}\s/.test(line)) break;
    if (!line.trim().startsWith("|")) continue;
    const [first = "", kind = "", why = ""] = cells(line);
    // The header row and the separator row name no file.
    if (/^-+$/.test(first.replace(/:/g, "")) || !first.startsWith("`")) continue;
    const at = `${guide}:${index + 1}`;
    const pattern = /^`([^`]+)`$/.exec(first)?.[1];
    if (pattern === undefined) {
      errors.push({
        code: "bad-row",
        at,
        message: `the first cell must be one path or glob in backticks: ${first}`,
      });
      continue;
    }
    if (!(kinds as readonly string[]).includes(kind)) {
      errors.push({
        code: "bad-row",
        at,
        message: `\`${pattern}\`: the kind must be one of ${kinds.join(", ")}, not "${kind}"`,
      });
      continue;
    }
    if (why === "") {
      errors.push({ code: "bad-row", at, message: `\`${pattern}\`: say why the file names a provider` });
      continue;
    }
    rows.push({
      pattern,
      kind: kind as Kind,
      why,
      line: index + 1,
      matches: picomatch(pattern, { dot: true }),
    });
  }
  if (rows.length === 0 && errors.length === 0) {
    errors.push({
      code: "no-table",
      at: `${guide}:${start + 1}`,
      message: `no rows under "${tableHeading}"`,
    });
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, rows };
}
