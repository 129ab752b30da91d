// The report a person reads: a summary line, then a heading per changed event with a table of its changes.
// Plain Markdown, so it reads as well in a terminal as in a pull request comment or a CI job summary.
import type { ContractChange, ContractDiff } from "./contract-diff.js";

export interface MarkdownOptions {
  /** Heading level of each event (default 2), to nest the report under a heading of your own. */
  headingLevel?: number;
}

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? "" : "s"}`;

/** Table cells cannot hold a pipe or a line break. */
const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");

function where(change: ContractChange): string {
  const inside = change.path.replace(/^\//, "");
  switch (change.in) {
    case "event":
      return "event";
    case "security":
      return inside ? `security (header \`${inside}\`)` : "security";
    case "header":
      return `header \`${inside}\``;
    case "body":
      return change.path === "" ? "body" : `\`${change.path}\``;
  }
}

export function summaryLine(diff: ContractDiff): string {
  const changed = new Set(diff.changes.map((change) => change.event)).size;
  const sources = `(\`${diff.old}\` → \`${diff.new}\`)`;
  if (diff.changes.length === 0) return `**${diff.title}: no changes for receivers** ${sources}`;
  const counts = `${diff.breaking} breaking, ${diff.safe} safe`;
  return `**${diff.title}: ${counts} in ${changed} of ${plural(diff.events.length, "event")}** ${sources}`;
}

export function formatMarkdown(diff: ContractDiff, options: MarkdownOptions = {}): string {
  const hashes = "#".repeat(options.headingLevel ?? 2);
  const lines = [summaryLine(diff)];
  if (diff.breaking > 0) {
    lines.push("", "A receiver written for the old contract can fail on deliveries under the new one.");
  }
  for (const event of diff.events) {
    const changes = diff.changes.filter((change) => change.event === event);
    if (changes.length === 0) continue;
    const breaking = changes.filter((change) => change.severity === "breaking").length;
    lines.push(
      "",
      `${hashes} \`${event}\`: ${breaking} breaking, ${changes.length - breaking} safe`,
      "",
      "| | where | kind | change |",
      "|---|---|---|---|",
    );
    for (const change of changes) {
      const severity = change.severity === "breaking" ? "**breaking**" : "safe";
      lines.push(`| ${severity} | ${cell(where(change))} | \`${change.kind}\` | ${cell(change.message)} |`);
    }
  }
  return `${lines.join("\n")}\n`;
}
