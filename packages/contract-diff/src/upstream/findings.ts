// A finding of the upstream check, and the list that builds them: the message from the kind's rule, each difference
// once (two official schemas that share a definition reach the same place twice).
import type { Severity } from "../rules.js";
import { severityOfUpstream, sideOf, type UpstreamKind, type UpstreamSide, upstreamRule } from "./rules.js";

export interface UpstreamFinding {
  /** JSON pointer into the provider's document (`#/components/schemas/BotWebhookCompleted/properties/data`), or null. */
  official: string | null;
  /** The contract file and the JSON pointer in it (`meetingbaas/schemas/bot.completed.json#/properties/data`), or null. */
  contract: string | null;
  /** JSON pointer into the payload (`/data/chat_messages`, `*` for every item); empty for a whole schema. */
  path: string;
  kind: UpstreamKind;
  severity: Severity;
  /** Which side has what the other lacks (or says otherwise): see `UpstreamSide`. */
  side: UpstreamSide;
  /** What differs and why it matters, in one line. */
  message: string;
}

export interface KnownDifference extends UpstreamFinding {
  /** The entry of the specs README's "Where the sources disagree" that records it. */
  readme: string;
  reason: string;
}

export class FindingList {
  readonly list: UpstreamFinding[] = [];
  private readonly seen = new Set<string>();

  add(
    official: string | null,
    contract: string | null,
    path: string,
    kind: UpstreamKind,
    what: string,
  ): void {
    const message = `${what}: ${upstreamRule(kind).why}`;
    const key = `${official}\n${contract}\n${kind}\n${message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.list.push({
      official,
      contract,
      path,
      kind,
      severity: severityOfUpstream(kind),
      side: sideOf(kind),
      message,
    });
  }
}
