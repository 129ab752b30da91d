// JUnit XML of conformance reports, the format CI systems show as test results (GitHub Actions through a reporter
// action, GitLab through `artifacts:reports:junit`): one testsuite per endpoint, one testcase per scenario, the reason
// in the failure's message.
import type { ConformanceReport, ConformanceResult } from "./run.js";
import { targetLabels, targetOf } from "./targets.js";

/** Text as XML character data or an attribute value: escaped, and without characters XML 1.0 cannot carry. */
export function xmlText(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, "\uFFFD")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

const seconds = (ms: number) => (ms / 1000).toFixed(3);

function suiteName(report: ConformanceReport): string {
  const target = targetOf(report.provider, report.channel);
  return `meeting-webhooks conformance: ${target ? targetLabels[target] : `${report.provider} ${report.channel}`} at ${report.url}`;
}

function testcase(report: ConformanceReport, result: ConformanceResult): string {
  const time = seconds(result.deliveries.reduce((sum, d) => sum + d.ms, 0));
  const open = `    <testcase classname="${xmlText(`meeting-webhooks.conformance.${report.provider}.${report.channel}`)}" name="${xmlText(`${result.scenario}: ${result.title}`)}" time="${time}"`;
  if (result.ok) return `${open}/>`;
  const message = `expected ${result.expected}, got ${result.got}. ${result.why}`;
  const details = [
    `expected: ${result.expected}`,
    `got: ${result.got}`,
    `why it matters: ${result.why}`,
    `source: ${result.source}`,
    "deliveries:",
    ...result.deliveries.map(
      (d) => `  ${d.ok ? "ok  " : "FAIL"} ${d.status ?? d.error ?? "no answer"} ${d.ms} ms  ${d.label}`,
    ),
  ].join("\n");
  return `${open}>\n      <failure message="${xmlText(message)}" type="conformance">${xmlText(details)}</failure>\n    </testcase>`;
}

/** One JUnit XML document for one or more reports (one `testsuite` each). */
export function conformanceJUnit(
  reports: ConformanceReport | readonly ConformanceReport[],
  timestamp: Date = new Date(),
): string {
  const list = Array.isArray(reports)
    ? (reports as readonly ConformanceReport[])
    : [reports as ConformanceReport];
  const tests = list.reduce((sum, r) => sum + r.results.length, 0);
  const failures = list.reduce((sum, r) => sum + r.failed, 0);
  const time = seconds(list.reduce((sum, r) => sum + r.ms, 0));
  const stamp = timestamp.toISOString().replace(/\.\d{3}Z$/, "");
  const suites = list.map(
    (report) =>
      `  <testsuite name="${xmlText(suiteName(report))}" tests="${report.results.length}" failures="${report.failed}" errors="0" skipped="0" time="${seconds(report.ms)}" timestamp="${stamp}">\n` +
      `${report.results.map((result) => testcase(report, result)).join("\n")}\n  </testsuite>`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="meeting-webhooks conformance" tests="${tests}" failures="${failures}" errors="0" time="${time}">\n${suites.join("\n")}\n</testsuites>\n`;
}
