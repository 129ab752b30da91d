// `meeting-webhooks verify`: is this captured delivery authentic for these secrets?

import { meetingBaasChannelOf } from "@meeting-webhooks/receive";
import {
  type VerifyResult,
  verifyCronofySignature,
  verifyMeetingBaasCallback,
  verifyStandardWebhook,
} from "@meeting-webhooks/receive/verify";
import { commandLine, onePositional, providerChoices, providerOption, providerPlaceholder } from "../args.js";
import { type Io, readInput, UsageError } from "../io.js";

export const verifyHelp = `Usage: meeting-webhooks verify --provider ${providerPlaceholder} --secret <s> [--secret <s2> …]
                               --header "<Name>: <value>" [--header …] [options] <body-file|->

Checks a delivery's signature over the body bytes exactly as stored in the file (do not reformat the file).
Cronofy: Cronofy-HMAC-SHA256 against the client secret(s). Meeting BaaS: the scheme is picked from the headers,
x-mb-secret for bot callbacks, svix-id/svix-timestamp/svix-signature for account webhooks (whsec_… secrets).

Options:
  --provider <name>     ${providerChoices} (required)
  --secret <s>          a secret to try; repeat while rotating. Default: MEETING_WEBHOOKS_SECRETS (comma-separated),
                        which keeps secrets out of shell history
  --header "N: v"       a header as received; repeat for each
  --tolerance <s>       Svix timestamp tolerance in seconds (default 300)
  --now <time>          check the Svix timestamp as of this time (unix seconds or ISO 8601), e.g. for a capture
  --json                print one JSON object on stdout instead of text
  -h, --help            show this help

Exit codes: 0 authentic, 1 not authentic (with the reason), 2 usage error.

Examples:
  meeting-webhooks verify --provider cronofy --secret "$CRONOFY_CLIENT_SECRET" \\
    --header "Cronofy-HMAC-SHA256: 1ZkL…=" body.json
  meeting-webhooks verify --provider meetingbaas --secret whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw \\
    --header "svix-id: msg_2pQ…" --header "svix-timestamp: 1795536000" --header "svix-signature: v1,K5o…=" \\
    --now 1795536000 body.json`;

function parseHeader(raw: string): [string, string] {
  const colon = raw.indexOf(":");
  if (colon <= 0) throw new UsageError(`--header must look like "Name: value", got ${JSON.stringify(raw)}.`);
  return [raw.slice(0, colon).trim().toLowerCase(), raw.slice(colon + 1).trim()];
}

function parseNow(raw: string): number {
  const ms = /^\d+$/.test(raw) ? Number(raw) * 1000 : Date.parse(raw);
  if (!Number.isFinite(ms))
    throw new UsageError(`--now must be unix seconds or an ISO 8601 time, got ${JSON.stringify(raw)}.`);
  return ms;
}

export async function verifyCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = commandLine(argv, {
    provider: { type: "string" },
    secret: { type: "string", multiple: true },
    header: { type: "string", multiple: true },
    tolerance: { type: "string" },
    now: { type: "string" },
    json: { type: "boolean" },
  });
  if (values.help) {
    io.stdout(verifyHelp);
    return 0;
  }
  const provider = providerOption(values.provider);
  const secrets = values.secret ?? io.env.MEETING_WEBHOOKS_SECRETS?.split(",").filter(Boolean) ?? [];
  if (secrets.length === 0)
    throw new UsageError("Give at least one --secret (or set MEETING_WEBHOOKS_SECRETS).");
  const headers: Record<string, string> = {};
  for (const raw of values.header ?? []) {
    const [name, value] = parseHeader(raw);
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  let toleranceSeconds: number | undefined;
  if (values.tolerance !== undefined) {
    toleranceSeconds = Number(values.tolerance);
    if (!Number.isInteger(toleranceSeconds) || toleranceSeconds < 0) {
      throw new UsageError(`--tolerance must be whole seconds, got ${JSON.stringify(values.tolerance)}.`);
    }
  }
  const nowMs = values.now === undefined ? undefined : parseNow(values.now);
  const body = await readInput(io, onePositional(positionals, "body file"));

  let scheme: string;
  let result: VerifyResult;
  if (provider === "cronofy") {
    scheme = "Cronofy-HMAC-SHA256";
    result = verifyCronofySignature({ body, headers, secrets });
  } else {
    const channel = meetingBaasChannelOf(headers);
    if (channel === "callback") {
      scheme = "x-mb-secret";
      result = verifyMeetingBaasCallback({ headers, secrets });
    } else {
      scheme = "svix";
      result = verifyStandardWebhook({
        body,
        headers,
        secrets,
        ...(toleranceSeconds === undefined ? {} : { toleranceSeconds }),
        ...(nowMs === undefined ? {} : { now: () => nowMs }),
      });
      if (channel === undefined && !result.ok) {
        result = {
          ...result,
          message: `No x-mb-secret or svix-* header was given (--header "svix-signature: v1,…"). ${result.message}`,
        };
      }
    }
  }
  if (values.json) {
    io.stdout(JSON.stringify({ provider, scheme, ...result }));
  } else if (result.ok) {
    io.stdout(`authentic: ${provider} delivery (${scheme}), matched secret #${result.secretIndex + 1}`);
  } else {
    io.stderr(`not authentic (${result.code}): ${result.message}`);
  }
  return result.ok ? 0 : 1;
}
