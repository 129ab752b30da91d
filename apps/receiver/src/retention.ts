// Retention, as RETENTION_DAYS sets it: what the inbox's retention pass erases (bodies and headers of finished
// deliveries) plus, in the same transaction, the transcripts the receiver downloaded; and the one sentence that the
// dashboard and the README say about it, written here once.
import type { InboxOptions } from "@meeting-webhooks/inbox";
import type { Dialect } from "@meeting-webhooks/inbox/database";
import type { Config } from "./config.js";
import { eraseTranscriptsBefore } from "./read-model/erasure.js";

const dayMs = 86_400_000;

/** The inbox's `retention` option: erase after `retentionDays`, every `retentionIntervalMs`; 0 days keeps for ever. */
export function retentionOf(
  config: Pick<Config, "retentionDays" | "retentionIntervalMs">,
  dialect: () => Dialect,
): NonNullable<InboxOptions["retention"]> {
  return {
    maxAgeMs: config.retentionDays * dayMs,
    intervalMs: config.retentionIntervalMs,
    // The dialect is the inbox's, known once it has opened the database; the pass runs only after that.
    alsoErase: (tx, before) => eraseTranscriptsBefore(tx, dialect().now, before),
  };
}

/** What is kept and for how long, in one sentence (the dashboard shows it). */
export function retentionSentence(days: number): string {
  const what = "the bodies and headers of processed and quarantined deliveries, and downloaded transcripts";
  const kept =
    "each delivery's key, provider, event, status and times stay, so a late retry is still answered as a duplicate";
  return days === 0
    ? `Retention is off (RETENTION_DAYS=0): ${what} are kept for ever; ${kept}.`
    : `${what[0]?.toUpperCase()}${what.slice(1)} are erased ${days} day${days === 1 ? "" : "s"} after they arrived (RETENTION_DAYS); ${kept}.`;
}
