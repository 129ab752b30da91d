// The upstream report a person reads: the summary line first, then the findings by side, then the known
// differences with the README entry that records each. Plain Markdown, for a terminal or a CI job summary.
import type { UpstreamReport } from "./compare.js";
import type { KnownDifference, UpstreamFinding } from "./findings.js";

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? "" : "s"}`;

/** Table cells cannot hold a pipe or a line break. */
const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
const code = (text: string | null) => (text === null ? "—" : `\`${cell(text)}\``);

export function upstreamSummaryLine(report: UpstreamReport): string {
  const counts = [
    plural(report.findings.length, "finding"),
    `${report.known.length} known`,
    `${report.mapped} official ${report.mapped === 1 ? "schema" : "schemas"} mapped`,
    `${report.ignored} ignored`,
  ];
  if (report.absent.length > 0) counts.push(`${report.absent.length} not in the document`);
  return `**${report.provider} upstream check: ${counts.join(", ")}** (\`${report.document}\` through \`${report.mapping}\`)`;
}

function findingTable(findings: UpstreamFinding[]): string[] {
  const lines = ["| | official | contract | kind | difference |", "|---|---|---|---|---|"];
  for (const finding of findings) {
    const severity = finding.severity === "breaking" ? "**breaking**" : "safe";
    lines.push(
      `| ${severity} | ${code(finding.official)} | ${code(finding.contract)} | \`${finding.kind}\` | ${cell(finding.message)} |`,
    );
  }
  return lines;
}

function knownTable(known: KnownDifference[]): string[] {
  const lines = ["| official | contract | kind | README entry | reason |", "|---|---|---|---|---|"];
  for (const difference of known) {
    lines.push(
      `| ${code(difference.official)} | ${code(difference.contract)} | \`${difference.kind}\` | ` +
        `${cell(difference.readme)} | ${cell(difference.reason)} |`,
    );
  }
  return lines;
}

export interface UpstreamMarkdownOptions {
  /** Heading level of each section (default 2), to nest the report under a heading of your own. */
  headingLevel?: number;
}

export function formatUpstreamMarkdown(
  report: UpstreamReport,
  options: UpstreamMarkdownOptions = {},
): string {
  const hashes = "#".repeat(options.headingLevel ?? 2);
  const lines = [upstreamSummaryLine(report)];
  const official = report.findings.filter((finding) => finding.side === "official");
  const contract = report.findings.filter((finding) => finding.side === "contract");
  if (report.findings.length === 0) {
    lines.push("", "The contract covers the provider's document: every difference is a convention or known.");
  } else {
    lines.push(
      "",
      "Each finding is classified as the contract change that would adopt what the provider's document says. To act on",
      `one, edit the contract file at its pointer, or record the difference as \`known\` in \`${report.mapping}\`.`,
    );
  }
  if (official.length > 0) {
    lines.push(
      "",
      `${hashes} The provider's document has, the contract lacks or says otherwise: ${official.length}`,
    );
    lines.push("", ...findingTable(official));
  }
  if (contract.length > 0) {
    lines.push("", `${hashes} The contract has, the provider's document lacks: ${contract.length}`);
    lines.push("", ...findingTable(contract));
  }
  if (report.known.length > 0) {
    lines.push("", `${hashes} Known differences: ${report.known.length}`, "", ...knownTable(report.known));
  }
  if (report.absent.length > 0) {
    lines.push(
      "",
      `Not in the document, so not compared: ${report.absent.map((name) => `\`${name}\``).join(", ")}.`,
    );
  }
  return `${lines.join("\n")}\n`;
}
