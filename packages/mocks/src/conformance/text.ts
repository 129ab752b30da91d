// A conformance report as a person reads it in a terminal or a CI log: a table (scenario, expected, got, time, why
// it matters), a summary line, then each failure with its full reason and its source.
import type { ConformanceReport } from "./run.js";
import { durationText, targetLabels, targetOf } from "./targets.js";

/** The first sentence of a text, for a table cell (each scenario's `why` starts with a short one). */
function firstSentence(text: string): string {
  const end = text.search(/\.(\s|$)/);
  return end === -1 ? text : text.slice(0, end + 1);
}

function timeoutOrigin(report: ConformanceReport): string {
  if (report.timeoutFrom === "provider") return "the provider's documented timeout";
  if (report.timeoutFrom === "option") return "--timeout-ms";
  return "this tool's default: the provider documents none";
}

/**
 * Every failed scenario as one line, `meetingbaas/webhook unknown-event: expected 2xx within 30000 ms, got 500 to
 * calendar.connection_error`: `[]` when everything passed. For an assertion in any test framework.
 */
export function conformanceFailures(reports: ConformanceReport | readonly ConformanceReport[]): string[] {
  const list = Array.isArray(reports)
    ? (reports as readonly ConformanceReport[])
    : [reports as ConformanceReport];
  return list.flatMap((report) =>
    report.results
      .filter((r) => !r.ok)
      .map(
        (r) =>
          `${report.provider}/${report.channel}${report.channel === "callback" && report.provider === "meetingbaas" ? ` ${report.method}` : ""} ` +
          `${r.scenario}: expected ${r.expected}, got ${r.got}`,
      ),
  );
}

/** The report as text: the table, the summary, the failures. */
export function formatConformanceReport(report: ConformanceReport): string {
  const target = targetOf(report.provider, report.channel);
  const header = [
    ["", "scenario", "expected", "got", "time", "why it matters"],
    ...report.results.map((r) => [
      r.ok ? "ok" : "FAIL",
      r.scenario,
      r.expected,
      r.got,
      `${r.ms} ms`,
      firstSentence(r.why),
    ]),
  ];
  const widths =
    header[0]?.map((_, column) => Math.max(...header.map((row) => (row[column] ?? "").length))) ?? [];
  const table = header.map((row) =>
    row
      .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join("  ")
      .trimEnd(),
  );
  const failures = report.results
    .filter((r) => !r.ok)
    .flatMap((r) => [
      "",
      `FAIL ${r.scenario}: ${r.title}`,
      `  expected ${r.expected}, got ${r.got}`,
      `  why: ${r.why}`,
      `  source: ${r.source}`,
    ]);
  return [
    `meeting-webhooks conformance: ${target ? targetLabels[target] : report.provider} at ${report.url}` +
      `${report.channel === "callback" && report.provider === "meetingbaas" ? ` (${report.method})` : ""}, ` +
      `timeout ${report.timeoutMs} ms (${timeoutOrigin(report)})`,
    "",
    ...table,
    "",
    `${report.passed} of ${report.results.length} scenarios passed in ${durationText(Math.round(report.ms / 100) / 10)}` +
      (report.unreachable ? ": nothing answered at the URL (connection refused on every request)" : ""),
    ...failures,
  ].join("\n");
}
