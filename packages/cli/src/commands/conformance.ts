// `meeting-webhooks conformance`: grade an endpoint against how Cronofy and Meeting BaaS really deliver, in CI.
// Thin over `runConformance` of @meeting-webhooks/mocks: the options table below both parses and documents the
// options, and the scenario list of --help is the runner's own table.
import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import {
  ConformanceOptionsError,
  type ConformanceReport,
  type ConformanceTarget,
  conformanceJUnit,
  conformanceScenarios,
  defaultChannel,
  expectedText,
  formatConformanceReport,
  forTarget,
  providerTimeoutMs,
  runConformance,
  targetLabels,
} from "@meeting-webhooks/mocks/conformance";
import { channelOption, commandLine, methodOption, providerOption, providerPlaceholder } from "../args.js";
import { type Io, UsageError } from "../io.js";
import { signingSecrets } from "../secrets.js";

interface OptionHelp {
  type: "string" | "boolean";
  multiple?: boolean;
  /** How the value is written in the usage line. */
  value?: string;
  help: string;
}

/** Parsed by `commandLine` and printed by --help: the options are written once. */
const options = {
  provider: { type: "string", value: providerPlaceholder, help: "whose deliveries to send (required)" },
  channel: {
    type: "string",
    value: "<webhook|callback>",
    help: "Meeting BaaS only: webhook (Svix-signed account webhooks, the default) or callback (per-bot, x-mb-secret)",
  },
  url: {
    type: "string",
    value: "<endpoint>",
    help: "the endpoint to grade (required); nothing is sent anywhere else",
  },
  secret: {
    type: "string",
    multiple: true,
    value: "<s>",
    help:
      "the secret the endpoint verifies with; repeat while rotating (a callback carries one). Default: " +
      "MEETING_WEBHOOKS_SECRETS (comma-separated), else the dev secret, like send",
  },
  method: {
    type: "string",
    value: "<POST|PUT>",
    help: "Meeting BaaS callbacks: the bots' callback_config.method (default POST); every callback is sent with it",
  },
  "timeout-ms": {
    type: "string",
    value: "<n>",
    help:
      `how long an answer may take; default the provider's timeout: Meeting BaaS documents ` +
      `${providerTimeoutMs("meetingbaas/webhook")} ms, Cronofy none, so ${providerTimeoutMs("cronofy/callback")} ms ` +
      "(this tool's choice) stands in",
  },
  "wait-ms": {
    type: "string",
    value: "<n>",
    help: "wait up to n ms for the endpoint to answer at all before the first scenario (an app starting in the background)",
  },
  junit: {
    type: "string",
    value: "<file>",
    help: "also write a JUnit XML report (one testcase per scenario)",
  },
  json: { type: "boolean", help: "print the report as one JSON object instead of the table" },
  only: {
    type: "string",
    multiple: true,
    value: "<scenario>",
    help: "run only these scenarios (repeat, or comma-separate)",
  },
} as const satisfies Record<string, OptionHelp>;

function optionLines(): string[] {
  const entries = Object.entries(options as Record<string, OptionHelp>).map(([name, option]) => [
    `--${name}${option.value ? ` ${option.value}` : ""}${option.multiple ? " ..." : ""}`,
    option.help,
  ]);
  const width = Math.max(...entries.map(([usage]) => usage?.length ?? 0));
  return [...entries, ["-h, --help", "this help"]].map(
    ([usage, help]) => `  ${usage?.padEnd(width)}  ${help}`,
  );
}

function scenarioLines(): string[] {
  return conformanceScenarios.flatMap((scenario) => {
    const targets = scenario.appliesTo as readonly ConformanceTarget[];
    const perTarget = (label: string, value: Parameters<typeof forTarget>[0]) =>
      typeof value === "string"
        ? [`    ${label}: ${value}`]
        : targets.map((target) => `    ${label} (${targetLabels[target]}): ${forTarget(value, target)}`);
    return [
      `  ${scenario.id}: ${scenario.title} (${targets.map((t) => targetLabels[t]).join(", ")})`,
      ...perTarget("sends", scenario.sends),
      `    expects: ${expectedText(scenario.expects)}`,
      `    why: ${scenario.why}`,
      ...perTarget("source", scenario.source),
    ];
  });
}

export const conformanceHelp = `Usage: meeting-webhooks conformance --provider ${providerPlaceholder} --url <endpoint> [options]

Grades an endpoint against how the provider really delivers: sends it real, correctly signed deliveries (the
contract's examples and generated payloads of every event) and deliveries it must refuse, one at a time, and checks
every answer against what the provider needs. A failure says why it matters and what the provider documents it does
(its retries, or disabling the endpoint), with the source.

Options:
${optionLines().join("\n")}

Scenarios (run in this order; each runs on the provider and channel it names):
${scenarioLines().join("\n")}

Prints a table (scenario, expected, got, time, why it matters) and each failure's reason and source; progress on
stderr when the run takes long.

Exit codes: 0 every scenario passed, 1 any failed, 2 usage error or nothing answered at the URL (connection refused
on every request).

Examples:
  meeting-webhooks conformance --provider meetingbaas --url http://127.0.0.1:3000/webhooks/meetingbaas \\
    --secret "$MEETINGBAAS_WEBHOOK_SECRET" --junit reports/conformance-meetingbaas.xml
  meeting-webhooks conformance --provider meetingbaas --channel callback --method PUT \\
    --url http://127.0.0.1:3000/webhooks/meetingbaas/callback --secret "$MEETINGBAAS_CALLBACK_SECRET"
  meeting-webhooks conformance --provider cronofy --url http://127.0.0.1:3000/webhooks/cronofy --only unknown-event`;

function wholeNumber(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1)
    throw new UsageError(`--${name} must be a whole number of ms ≥ 1, got ${JSON.stringify(raw)}.`);
  return value;
}

/** A run over this long prints progress on stderr, so that a CI log shows it is alive. */
const quietForMs = 2000;

export async function conformanceCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = commandLine(argv, options);
  if (values.help) {
    io.stdout(conformanceHelp);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`Unexpected argument ${JSON.stringify(positionals[0])}.`);
  const provider = providerOption(values.provider);
  if (!values.url) throw new UsageError("--url is required: the endpoint to grade.");
  const channel = channelOption(values.channel) ?? defaultChannel(provider);
  const method = methodOption(values.method);
  const timeoutMs = wholeNumber("timeout-ms", values["timeout-ms"]);
  const waitMs = wholeNumber("wait-ms", values["wait-ms"]);
  const only = values.only?.flatMap((id) => id.split(",")).filter(Boolean);

  const started = Date.now();
  let report: ConformanceReport;
  try {
    report = await runConformance({
      url: values.url,
      provider,
      channel,
      secrets: signingSecrets(values.secret, io.env, provider, channel),
      ...(method ? { method: method as "POST" | "PUT" } : {}),
      ...(timeoutMs ? { timeoutMs } : {}),
      ...(waitMs ? { waitMs } : {}),
      ...(only ? { only } : {}),
      onResult: (result, done, total) => {
        if (Date.now() - started > quietForMs)
          io.stderr(
            `[conformance] ${done}/${total} ${result.scenario} ${result.ok ? "ok" : "FAIL"} (${result.ms} ms)`,
          );
      },
    });
  } catch (error) {
    if (error instanceof ConformanceOptionsError) throw new UsageError(error.message);
    throw error;
  }

  io.stdout(values.json ? JSON.stringify(report, null, 2) : formatConformanceReport(report));
  if (values.junit) {
    try {
      await mkdir(dirname(values.junit), { recursive: true });
      await writeFile(values.junit, conformanceJUnit(report));
    } catch (error) {
      io.stderr(`meeting-webhooks conformance: cannot write ${values.junit}: ${(error as Error).message}`);
      return 2;
    }
  }
  if (report.unreachable) {
    io.stderr(
      `meeting-webhooks conformance: nothing answered at ${report.url} (connection refused on every request). ` +
        "Is the app running and listening there? --wait-ms waits for one that is still starting.",
    );
    return 2;
  }
  return report.failed > 0 ? 1 : 0;
}
