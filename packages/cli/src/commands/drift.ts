// `meeting-webhooks drift`: from captured deliveries to a proposed, classified change of the contracts.

import {
  CaptureReadError,
  DriftAnalyser,
  driftJson,
  formatDriftMarkdown,
  openCaptures,
  reportOf,
  writeProposal,
} from "@meeting-webhooks/drift";
import type { Channel } from "@meeting-webhooks/types";
import {
  channelOption,
  commandLine,
  onePositional,
  providerChoices,
  providerOption,
  providerPlaceholder,
} from "../args.js";
import { type Io, UsageError } from "../io.js";

export const driftHelp = `Usage: meeting-webhooks drift --provider ${providerPlaceholder} [options] <captures>

Reads captured deliveries and reports, per event, what the contract does not know: properties it never describes,
values of open lists it does not document yet, required properties the deliveries lack, other types or formats,
and new event names inside a well-formed envelope. Each finding says where (JSON pointer), the types seen, how many
deliveries and when it was first and last seen; captured values are never printed (only new codes and event names).

It then proposes the smallest edit of the schema files that accepts every capture, and classifies it with the
contract change report (breaking or safe for receivers). Without --write the proposal is printed as a unified diff.

<captures> is a folder of .json (one body each) and .jsonl files, one such file, - for standard input (JSON or
JSON Lines), the sample receiver's SQLite database file, or its PostgreSQL store as a postgres:// URL
(?schema=<name> when not public).

Options:
  --provider <name>   ${providerChoices} (required)
  --channel <name>    meetingbaas only: callback or webhook, for captures that do not say (default: guessed from
                      the event; the receiver's database stores it)
  --since <time>      only deliveries received at or after this RFC 3339 time
  --specs <folder>    the specs folder to compare with and write into (default: the installed contracts)
  --write             write the proposal into the specs folder (only ever inside it)
  --json              print one JSON object on stdout instead of the Markdown report
  -h, --help          show this help

Exit codes: 0 nothing new, 1 drift found, 2 usage error or unreadable input.

Examples:
  meeting-webhooks drift --provider meetingbaas captured/
  meeting-webhooks drift --provider cronofy --since 2026-11-01T00:00:00Z apps/receiver/data/receiver.db
  meeting-webhooks drift --provider meetingbaas --specs specs --write captured/ && git diff specs/
  meeting-webhooks drift --provider meetingbaas --json captured/ | jq '.events[] | select(.findings != [])'`;

export async function driftCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = commandLine(argv, {
    provider: { type: "string" },
    channel: { type: "string" },
    since: { type: "string" },
    specs: { type: "string" },
    write: { type: "boolean" },
    json: { type: "boolean" },
  });
  if (values.help) {
    io.stdout(driftHelp);
    return 0;
  }
  const provider = providerOption(values.provider);
  const channel = channelOption(values.channel);
  if (values.since !== undefined && Number.isNaN(Date.parse(values.since))) {
    throw new UsageError(
      `--since "${values.since}" is not a time: write an RFC 3339 time such as 2026-11-01T00:00:00Z.`,
    );
  }
  const since = values.since === undefined ? undefined : new Date(values.since).toISOString();
  const location = onePositional(positionals, "captures (a folder, a file, a receiver database)");
  let analyser: DriftAnalyser;
  try {
    analyser = new DriftAnalyser(provider, {
      ...(values.specs !== undefined ? { specsDir: values.specs } : {}),
      ...(since !== undefined ? { since } : {}),
    });
    const captures = openCaptures(location, {
      provider,
      since,
      stdin: async () => (await io.read("-")).toString("utf8"),
    });
    for await (const capture of captures) {
      analyser.add(
        channel !== undefined && capture.channel === undefined
          ? { ...capture, channel: channel as Channel }
          : capture,
      );
    }
  } catch (error) {
    // Nothing was compared: an unreadable input is a usage problem, not a verdict.
    if (error instanceof CaptureReadError) throw new UsageError(error.message);
    if ((error as NodeJS.ErrnoException).code === "ENOENT") throw new UsageError((error as Error).message);
    throw error;
  }
  const report = await reportOf(analyser);
  const written = values.write ? writeProposal(report) : undefined;
  const options = written ? { written } : {};
  io.stdout(values.json ? JSON.stringify(driftJson(report, options)) : formatDriftMarkdown(report, options));
  return report.analysis.findings > 0 ? 1 : 0;
}
