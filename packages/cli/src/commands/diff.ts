// `meeting-webhooks diff`: what a contract change means for receivers, change by change.

import {
  type ContractDiff,
  ContractLoadError,
  diffSpecs,
  formatMarkdown,
} from "@meeting-webhooks/contract-diff";
import { commandLine } from "../args.js";
import { type Io, UsageError } from "../io.js";

export const diffHelp = `Usage: meeting-webhooks diff [--json] <old-spec> <new-spec>

Compares two versions of a provider contract (its openapi.yaml) and lists, per webhook, every change with
whether it breaks a receiver of the payloads: a field removed, made optional or nullable, a type or format
changed, a documented value removed, a value added to a closed list, an event removed, a signature header
changed. New optional fields, new values in open lists, new events and documentation changes are safe.

A spec is a file path, or git:<ref>:<path> to read it at a git revision (the path is from the repository root,
as in "git show"); every schema file it references is read at that revision too.

Options:
  --json       print one JSON object on stdout instead of the Markdown report
  -h, --help   show this help

Exit codes: 0 no breaking change, 1 breaking change(s) found, 2 usage error or a contract that cannot be read.

Examples:
  meeting-webhooks diff git:origin/main:specs/meetingbaas/openapi.yaml specs/meetingbaas/openapi.yaml
  meeting-webhooks diff git:v0.1.0:specs/cronofy/openapi.yaml specs/cronofy/openapi.yaml >> "$GITHUB_STEP_SUMMARY"
  meeting-webhooks diff --json git:HEAD~1:specs/cronofy/openapi.yaml specs/cronofy/openapi.yaml \\
    | jq '.changes[] | select(.severity == "breaking")'`;

export async function diffCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = commandLine(argv, { json: { type: "boolean" } });
  if (values.help) {
    io.stdout(diffHelp);
    return 0;
  }
  if (positionals.length !== 2) {
    throw new UsageError(
      `Give the old and the new spec (a file path or git:<ref>:<path>), got ${positionals.length} argument(s).`,
    );
  }
  const [oldSpec, newSpec] = positionals as [string, string];
  let diff: ContractDiff;
  try {
    diff = await diffSpecs(oldSpec, newSpec);
  } catch (error) {
    // Nothing was compared: a usage problem (wrong path, unknown ref, not an OpenAPI document), not a verdict.
    if (error instanceof ContractLoadError) throw new UsageError(error.message);
    throw error;
  }
  io.stdout(values.json ? JSON.stringify(diff) : formatMarkdown(diff));
  return diff.breaking > 0 ? 1 : 0;
}
