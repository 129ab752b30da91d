// The whole loop in one call: analyse the captures, propose the edit, classify it; then print it for a pull request
// (Markdown), for a script (JSON), as a unified diff, or write it into the specs folder.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { type ContractDiff, formatMarkdown } from "@meeting-webhooks/contract-diff";
import type { Provider } from "@meeting-webhooks/types";
import { createTwoFilesPatch } from "diff";
import {
  type AnalyseOptions,
  type Capture,
  DriftAnalyser,
  type DriftAnalysis,
  type Finding,
} from "./analyse.js";
import { classifyProposal } from "./classify.js";
import { type Proposal, proposeChanges } from "./propose.js";
import { SchemaFiles } from "./schema-files.js";

export interface DriftReport {
  analysis: DriftAnalysis;
  proposal: Proposal;
  /** The proposal as the contract change report sees it; null when nothing is proposed. */
  classification: ContractDiff | null;
}

/** Builds the report from an analyser that has read its captures. */
export async function reportOf(analyser: DriftAnalyser): Promise<DriftReport> {
  const analysis = analyser.result();
  const proposal = proposeChanges(analysis, analyser);
  const classification = proposal.files.length > 0 ? await classifyProposal(analysis, proposal) : null;
  return { analysis, proposal, classification };
}

/** Analyses captures (any iterable, sync or async), proposes and classifies. */
export async function driftReport(
  provider: Provider,
  captures: Iterable<Capture> | AsyncIterable<Capture>,
  options: AnalyseOptions = {},
): Promise<DriftReport> {
  const analyser = new DriftAnalyser(provider, options);
  for await (const capture of captures) analyser.add(capture);
  return reportOf(analyser);
}

/** Writes the proposal into its specs folder; never anywhere else. Returns the paths written. */
export function writeProposal(report: DriftReport): string[] {
  const files = new SchemaFiles(report.analysis.specsDir);
  // Every path is checked before anything is written: a refused proposal writes nothing.
  const targets = report.proposal.files.map((file) => ({ file, target: files.absolute(file.path) }));
  return targets.map(({ file, target }) => {
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, file.after);
    return file.path;
  });
}

/** The proposal as one unified diff, paths relative to the specs folder (`git apply -p1 --directory=specs`). */
export function proposalPatch(proposal: Proposal): string {
  return proposal.files
    .map((file) =>
      createTwoFilesPatch(
        file.before === null ? "/dev/null" : `a/${file.path}`,
        `b/${file.path}`,
        file.before ?? "",
        file.after,
        undefined,
        undefined,
        { context: 3 },
      ).replace(/^=+\n/, ""),
    )
    .join("");
}

const kindLabels: Record<Finding["kind"], string> = {
  "unknown-property": "new property",
  "open-list-value": "new value in an open list",
  "closed-list-value": "value outside a closed list",
  "required-missing": "required property missing",
  "type-mismatch": "other type",
  "format-mismatch": "other format",
  "constraint-mismatch": "outside a bound",
  "unknown-event": "new event",
};

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
const code = (text: string) => `\`${text}\``;
const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? "" : "s"}`;
const deliveries = (count: number) => `${count} deliver${count === 1 ? "y" : "ies"}`;

function what(finding: Finding): string {
  const values = finding.values.length > 0 ? `: ${finding.values.map(code).join(", ")}` : "";
  const keyword =
    finding.kind === "format-mismatch" || finding.kind === "constraint-mismatch" ? ` (${finding.name})` : "";
  return `${kindLabels[finding.kind]}${keyword}${values}`;
}

/** The report for a pull request: findings per event, the classification, what is left to do, the diff. */
export function formatDriftMarkdown(report: DriftReport, options: { written?: string[] } = {}): string {
  const { analysis, proposal, classification } = report;
  const drifting = analysis.events.filter((event) => event.findings.length > 0);
  const lines: string[] = [];
  const read = `${deliveries(analysis.deliveries)} read`;
  if (drifting.length === 0)
    lines.push(`**${analysis.provider}: nothing new** (${read}; the contract knows all of it)`);
  else
    lines.push(
      `**${analysis.provider}: ${plural(analysis.findings, "finding")} in ${drifting.length} of ${plural(analysis.events.length, "event")} seen** (${read})`,
    );
  if (analysis.notDeliveries.count > 0)
    lines.push(
      "",
      `${analysis.notDeliveries.count} capture(s) are not ${analysis.provider} deliveries at all (their envelope is refused), skipped: ${analysis.notDeliveries.sources.join(", ")}`,
    );
  for (const event of drifting) {
    const since = event.firstSeen ? ` since ${event.firstSeen}` : "";
    lines.push(
      "",
      `## ${code(event.event)}: ${plural(event.findings.length, "finding")} in ${deliveries(event.deliveries)}${since}`,
      "",
      "| what | where | types seen | deliveries | first seen | last seen | schema |",
      "|---|---|---|---|---|---|---|",
    );
    for (const finding of event.findings) {
      const where = finding.paths.length > 0 ? finding.paths.map((p) => code(p || "/")).join(", ") : "";
      const schema = `${finding.at.file}${finding.at.pointer ? `#${finding.at.pointer}` : ""}`;
      lines.push(
        `| ${cell(what(finding))} | ${cell(where)} | ${cell(finding.types.join(", "))} | ${finding.deliveries} | ${finding.firstSeen ?? "?"} | ${finding.lastSeen ?? "?"} | ${cell(code(schema))} |`,
      );
    }
  }
  if (classification) {
    lines.push(
      "",
      "## What the proposal means for receivers",
      "",
      formatMarkdown(classification, { headingLevel: 3 }).trimEnd(),
    );
  }
  if (proposal.manual.length > 0) {
    lines.push("", "## Left to a person", "");
    for (const step of proposal.manual)
      lines.push(`- ${code(step.event)}${step.path ? ` ${step.path}` : ""}: ${step.why}`);
  }
  if (proposal.files.length > 0) {
    if (options.written)
      lines.push(
        "",
        "## Written",
        "",
        ...options.written.map((path) => `- ${code(path)}`),
        "",
        "Review with `git diff specs/`, then `npm run generate` and commit.",
      );
    else
      lines.push(
        "",
        "## Proposed change",
        "",
        "```diff",
        proposalPatch(proposal).trimEnd(),
        "```",
        "",
        "Write it with `--write`.",
      );
  }
  return `${lines.join("\n")}\n`;
}

/** The report as one JSON value, with the proposal as a patch per file. */
export function driftJson(report: DriftReport, options: { written?: string[] } = {}) {
  return {
    provider: report.analysis.provider,
    deliveries: report.analysis.deliveries,
    notDeliveries: report.analysis.notDeliveries,
    findings: report.analysis.findings,
    events: report.analysis.events,
    proposal: {
      files: report.proposal.files.map((file) => ({
        path: file.path,
        status: file.before === null ? "created" : "changed",
        patch: proposalPatch({ files: [file], manual: [] }),
      })),
      manual: report.proposal.manual,
      written: options.written ?? [],
    },
    classification: report.classification,
  };
}
