// Processing is typed handlers: each provider module's events get an `on(…)` handler on the receiver's webhooks
// object, which the inbox runs from its queue (at least once, in order per meeting, retried with backoff). A handler
// applies the event's facts to the meeting in one transaction, then downloads what the delivery queued (a transcript):
// a download that fails for now is recorded and thrown, so that the inbox runs the delivery again later; after
// DOWNLOAD_ATTEMPTS it is recorded as failed instead.

import type { Database } from "@meeting-webhooks/inbox/database";
import type { MeetingWebhooks } from "@meeting-webhooks/receive";
import { validateArtifact } from "@meeting-webhooks/receive/validate";
import type { KnownWebhookEvent } from "@meeting-webhooks/types";
import type { Config } from "./config.js";
import type { ReceiverMetrics } from "./metrics.js";
import type { OperationsRecorder } from "./operations.js";
import type { ArtifactState } from "./projection.js";
import {
  type DownloadContext,
  ExpiredUrl,
  type FetchLike,
  moduleOf,
  type ProviderModule,
  providerModules,
  RefusedDownload,
} from "./providers/index.js";
import { applyFacts } from "./read-model/apply.js";
import { type DownloadOutcome, recordDownload } from "./read-model/downloads.js";

export interface ProcessingDeps {
  db: Database;
  config: Pick<Config, "variables" | "downloadAttempts">;
  fetch: FetchLike;
  recorder?: OperationsRecorder | undefined;
  /** Counts each download by its outcome (metrics.ts). */
  metrics?: Pick<ReceiverMetrics, "downloaded"> | undefined;
  log: (message: string) => void;
}

/** A download that may succeed later: the handler throws it so that the inbox runs the delivery again. */
export class DownloadPending extends Error {
  override name = "DownloadPending";
}

/** Registers the processing handlers of every provider module on the receiver's webhooks object. */
export function registerProcessing(webhooks: MeetingWebhooks, deps: ProcessingDeps): void {
  for (const module of Object.values(providerModules) as ProviderModule[]) {
    webhooks.on(module.events as never, (event: KnownWebhookEvent) => processEvent(event, module, deps));
  }
}

async function processEvent(event: KnownWebhookEvent, module: ProviderModule, deps: ProcessingDeps) {
  if (event.deliveryId === undefined) {
    throw new Error("The receiver's handlers run from its inbox, which gives each delivery an id.");
  }
  const receivedAt = event.receivedAt ?? new Date().toISOString();
  const context: DownloadContext = { fetch: deps.fetch, variables: deps.config.variables };
  const facts = module.normalise(event as never, receivedAt);
  const applied = await applyFacts(
    deps.db,
    { id: Number(event.deliveryId), provider: event.provider },
    facts,
    { cannotDownload: module.cannotDownload(context.variables) },
  );
  const pending: string[] = [];
  if (applied.meetingId !== null) {
    for (const artifact of applied.queued) {
      const outcome = await download(artifact, moduleOf(event.provider), context, event.attempt ?? 1, deps);
      await recordDownload(deps.db, applied.meetingId, artifact.kind, outcome);
      deps.metrics?.downloaded(event.provider, outcome.kind);
      if (outcome.kind === "attempted") pending.push(`${artifact.kind}: ${outcome.error}`);
      else if (outcome.kind !== "downloaded")
        deps.log(`meeting ${applied.meetingId}: ${artifact.kind} ${outcome.kind}: ${outcome.error}`);
    }
  }
  if (pending.length > 0) throw new DownloadPending(`downloads to try again: ${pending.join("; ")}`);
  deps.recorder?.count("processed");
  deps.recorder?.lag(Math.max(0, Date.now() - Date.parse(receivedAt)));
}

async function download(
  artifact: ArtifactState,
  module: ProviderModule,
  context: DownloadContext,
  attempt: number,
  deps: ProcessingDeps,
): Promise<DownloadOutcome> {
  const source = artifact.download;
  if (!source) return { kind: "failed", error: "not a downloadable artifact" };
  try {
    const json = await module.fetchDownload(artifact.url, context);
    const outcome = validateArtifact(source, json);
    if (!outcome.valid) {
      const shown = outcome.issues
        .slice(0, 3)
        .map((issue) => `${issue.pointer || "/"} ${issue.message}`)
        .join("; ");
      return { kind: "broken", error: `the ${source} artifact breaks its contract: ${shown}` };
    }
    return { kind: "downloaded", source, segments: module.transcriptOf(source, json) };
  } catch (error) {
    const message = (error as Error).message;
    if (error instanceof ExpiredUrl)
      return { kind: "expired", error: `${message}. ${module.freshUrlsAdvice}` };
    if (error instanceof RefusedDownload) return { kind: "failed", error: message };
    if (attempt >= deps.config.downloadAttempts)
      return { kind: "failed", error: `${message} (after ${attempt} attempts)` };
    return { kind: "attempted", error: message };
  }
}
