// `meeting-webhooks upstream`: does the contract still cover the provider's own machine-readable document?

import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import {
  ContractLoadError,
  compareUpstream,
  formatUpstreamMarkdown,
  parseUpstreamDocument,
  readUpstreamDocument,
  readUpstreamMapping,
  UpstreamError,
} from "@meeting-webhooks/contract-diff";
import { commandLine, onePositional, providerOption, providerPlaceholder } from "../args.js";
import { type Io, UsageError } from "../io.js";

export const upstreamHelp = `Usage: meeting-webhooks upstream --provider ${providerPlaceholder} [options] <document>

Compares the provider's own machine-readable document with the contract and reports what one has that the other
lacks or contradicts: properties, required fields, types, nullability, listed values, formats and bounds. Each
finding names the JSON pointer on both sides and is classified with the contract change rules (as \`diff\` would
classify adopting it: breaking or safe). Which official schema each contract file models, which official schemas
the contract leaves out and which differences are intended ("known") is in <specs>/<provider>/upstream.yaml. An
official schema that no entry maps or ignores is a finding, and so is a mapped one that is gone. Differences the
contract's conventions state (open lists, any RFC 3339 offset, unknown properties allowed) are not findings, nor is
documentation.

<document> is the provider's OpenAPI document as JSON (Meeting BaaS: openapi-v2.json): a file, - for standard input,
or an https:// URL, fetched with a timeout (http:// only on the loopback interface). Nothing else touches the
network.

Cronofy publishes no machine-readable document: --provider cronofy says so and points to the manual checklist in
the specs README ("Keeping the contract current").

Options:
  --provider <name>   meetingbaas, or cronofy (no document: exits 2 with the manual check) (required)
  --specs <folder>    the specs folder to compare, with its mapping file (default: the installed contracts)
  --timeout <s>       seconds an https:// URL may take to answer in full (default 30)
  --json              print one JSON object on stdout instead of the Markdown report
  -h, --help          show this help

Exit codes: 0 the contract covers the document (no findings), 1 findings, 2 usage error, an unreadable or invalid
document, or a broken mapping file (the message says what to do and where).

Examples:
  meeting-webhooks upstream --provider meetingbaas ../docs/openapi-v2.json
  meeting-webhooks upstream --provider meetingbaas "$UPSTREAM_OPENAPI_URL" >> "$GITHUB_STEP_SUMMARY"
  meeting-webhooks upstream --provider meetingbaas --specs specs --json openapi-v2.json \\
    | jq '.findings[] | select(.severity == "breaking") | .official'`;

/** The installed contracts, found without loading the specs package's code (Ajv) for a faster start. */
function installedSpecsDir(): string {
  return dirname(createRequire(import.meta.url).resolve("@meeting-webhooks/specs/package.json"));
}

function timeoutOption(raw: string | undefined): number {
  if (raw === undefined) return 30_000;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new UsageError(`--timeout "${raw}" is not a number of seconds: write, for example, --timeout 60.`);
  }
  return seconds * 1000;
}

/** A check that could not run: the code, what to do, and where. */
function describeError(error: UpstreamError | ContractLoadError): string {
  const where = [error.file, error.pointer && `at ${error.pointer}`].filter(Boolean).join(" ");
  return `[${error.code}] ${error.message}${where && !error.message.includes(where) ? ` (${where})` : ""}`;
}

export async function upstreamCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = commandLine(argv, {
    provider: { type: "string" },
    specs: { type: "string" },
    timeout: { type: "string" },
    json: { type: "boolean" },
  });
  if (values.help) {
    io.stdout(upstreamHelp);
    return 0;
  }
  const provider = providerOption(values.provider);
  const timeoutMs = timeoutOption(values.timeout);
  const specsDir = values.specs ?? installedSpecsDir();
  try {
    // The mapping first: a provider without a document is answered before asking for one.
    const mapping = readUpstreamMapping(
      join(specsDir, provider, "upstream.yaml"),
      `${provider}/upstream.yaml`,
    );
    const location = onePositional(
      positionals,
      "provider's document (openapi-v2.json: a path or an https:// URL)",
    );
    const document =
      location === "-"
        ? parseUpstreamDocument((await io.read("-")).toString("utf8"), "standard input")
        : await readUpstreamDocument(location, { timeoutMs });
    const report = await compareUpstream({ document, mapping, specsDir });
    io.stdout(values.json ? JSON.stringify(report) : formatUpstreamMarkdown(report));
    return report.findings.length > 0 ? 1 : 0;
  } catch (error) {
    if (!(error instanceof UpstreamError || error instanceof ContractLoadError)) throw error;
    // Nothing was compared: a usage problem, not a verdict.
    io.stderr(`meeting-webhooks upstream: ${describeError(error)}`);
    if (values.json) {
      const { code, message, file, pointer } = error;
      io.stdout(JSON.stringify({ error: { code, message, file: file ?? null, pointer: pointer ?? null } }));
    }
    return 2;
  }
}
