// What a proposal means for the teams who receive these webhooks: the proposal is applied to a scratch copy of the
// provider's contract and compared with the contract as it is, by the contract change report (`meeting-webhooks
// diff`). A new event's schema is not referenced by openapi.yaml yet, so its `event-added` entry is added here.
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { type ContractChange, type ContractDiff, diffSpecs, rules } from "@meeting-webhooks/contract-diff";
import type { Provider } from "@meeting-webhooks/types";
import type { DriftAnalysis } from "./analyse.js";
import type { Proposal } from "./propose.js";

export async function classifyProposal(analysis: DriftAnalysis, proposal: Proposal): Promise<ContractDiff> {
  const provider: Provider = analysis.provider;
  const scratch = mkdtempSync(join(tmpdir(), "meeting-webhooks-drift-"));
  try {
    for (const folder of [provider, "common"])
      cpSync(join(analysis.specsDir, folder), join(scratch, folder), { recursive: true });
    for (const file of proposal.files) {
      mkdirSync(dirname(join(scratch, file.path)), { recursive: true });
      writeFileSync(join(scratch, file.path), file.after);
    }
    const openapi = `${provider}/openapi.yaml`;
    const diff = await diffSpecs(join(analysis.specsDir, openapi), join(scratch, openapi));
    diff.old = `specs/${openapi}`;
    diff.new = "specs with the proposal";
    const added: ContractChange[] = analysis.events
      .filter((event) => !event.known && event.findings.length > 0 && !diff.events.includes(event.event))
      .map((event) => ({
        event: event.event,
        in: "event",
        path: "",
        kind: "event-added",
        severity: rules["event-added"].severity,
        message: `new event (schema proposed in \`${event.schema}\`, not referenced by openapi.yaml yet): ${rules["event-added"].why}`,
      }));
    return {
      ...diff,
      events: [...diff.events, ...added.map((change) => change.event)],
      changes: [...diff.changes, ...added],
      safe: diff.safe + added.length,
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
