// `meeting-webhooks validate`: check a captured payload against the contract.

import type { SchemaIssue } from "@meeting-webhooks/receive";
import { envelopeSchemaOf, validatePayload } from "@meeting-webhooks/receive/validate";
import type { Channel } from "@meeting-webhooks/types";
import {
  channelOption,
  commandLine,
  onePositional,
  providerChoices,
  providerOption,
  providerPlaceholder,
} from "../args.js";
import { type Io, readInput } from "../io.js";

export const validateHelp = `Usage: meeting-webhooks validate --provider ${providerPlaceholder} [options] <file|->

Checks a webhook payload (JSON) against the contract. First its envelope, what every delivery of the provider and
channel has (Meeting BaaS: event, data and, for bot events, extra; Cronofy: notification.type,
notification.interactions[].type, meeting_agent.sub and .state): a payload that fails it is invalid, whatever its
event. Then the event, detected from the payload (Cronofy by the interaction type in notification.interactions,
Meeting BaaS by its "event" field), against its schema. A new event name inside a well-formed envelope is valid and
reported as drift.

Options:
  --provider <name>    ${providerChoices} (required)
  --channel <name>     meetingbaas only: callback or webhook (default: webhook if the event exists as one)
  --strict             fail on drift too: unknown properties, values outside an open list, unknown events
  --json               print one JSON object on stdout instead of text
  -h, --help           show this help

Exit codes: 0 valid, 1 invalid (each error with its JSON pointer, message and what was expected), 2 usage error.

Examples:
  meeting-webhooks validate --provider cronofy captured/agent-complete.json
  pbpaste | meeting-webhooks validate --provider meetingbaas --strict -
  meeting-webhooks validate --provider meetingbaas --channel callback --json bot-failed.json | jq .errors`;

function issueLine(issue: SchemaIssue): string {
  return `  ${issue.pointer}  ${issue.message}  (expected: ${issue.expected})`;
}

export async function validateCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = commandLine(argv, {
    provider: { type: "string" },
    channel: { type: "string" },
    strict: { type: "boolean" },
    json: { type: "boolean" },
  });
  if (values.help) {
    io.stdout(validateHelp);
    return 0;
  }
  const provider = providerOption(values.provider);
  const channel = channelOption(values.channel);
  const file = onePositional(positionals, "payload file");
  const bytes = await readInput(io, file);
  let payload: unknown;
  try {
    payload = JSON.parse(bytes.toString("utf8"));
  } catch (error) {
    const message = `not JSON: ${(error as Error).message}`;
    if (values.json)
      io.stdout(
        JSON.stringify({
          file,
          provider,
          ok: false,
          valid: false,
          errors: [{ pointer: "/", keyword: "json", message, expected: "a JSON document" }],
          drift: [],
        }),
      );
    else io.stderr(`invalid: ${file} is ${message}`);
    return 1;
  }
  const result = validatePayload(provider, payload, channel as Channel | undefined);
  // An unknown event's name is already among its drift items (pointer at the name).
  const strictFailures = values.strict ? result.drift : [];
  const ok = result.valid && strictFailures.length === 0;
  if (values.json) {
    io.stdout(
      JSON.stringify({
        file,
        provider,
        channel: result.channel,
        event: result.eventName ?? null,
        known: result.known,
        schema: result.schemaPath ?? null,
        stage: result.stage ?? null,
        strict: Boolean(values.strict),
        valid: result.valid,
        ok,
        errors: [...result.issues, ...strictFailures],
        drift: result.drift,
      }),
    );
    return ok ? 0 : 1;
  }
  const what = `${provider} ${result.channel} ${result.eventName ?? "(no event name)"}`;
  if (!result.valid) {
    const against =
      result.stage === "envelope"
        ? `the ${provider} ${result.channel} envelope (${envelopeSchemaOf(provider, result.channel) ?? "none"}): not a ${provider} ${result.channel} delivery at all; check --provider and --channel`
        : result.schemaPath;
    io.stderr(`invalid: ${what}: ${result.issues.length} error(s) against ${against}`);
    io.stderr(result.issues.map(issueLine).join("\n"));
    return 1;
  }
  if (!result.known) {
    const line = `${values.strict ? "invalid" : "valid"}: ${what} is a well-formed ${provider} ${result.channel} delivery of an event the contract does not know yet; only its envelope was checked`;
    if (values.strict) io.stderr(`${line} (--strict)`);
    else io.stdout(line);
    io[values.strict ? "stderr" : "stdout"](result.drift.map(issueLine).join("\n"));
    return values.strict ? 1 : 0;
  }
  if (strictFailures.length > 0) {
    io.stderr(
      `invalid (--strict): ${what}: valid against the contract, with ${strictFailures.length} drift item(s):`,
    );
    io.stderr(strictFailures.map(issueLine).join("\n"));
    return 1;
  }
  io.stdout(`valid: ${what} (${result.schemaPath})`);
  if (result.drift.length > 0) {
    io.stdout(
      `drift: ${result.drift.length} item(s) the contract does not know yet (accepted; --strict fails on them):`,
    );
    io.stdout(result.drift.map(issueLine).join("\n"));
  }
  return 0;
}
