// The receiver's Prometheus metrics, per process: what the inbox observed (deliveries stored and refused, runs
// handled, retried and dead, ingest time and processing lag), what processing downloaded, and the inbox's queue read at
// scrape time. Each receiver has a registry of its own (never prom-client's global one), so that two receivers in one
// process (the tests, a benchmark) count apart; the process metrics (CPU, memory, event loop) are the process's and
// are collected once per process.
import type { InboxCounts, InboxObserver, ReceivedFacts } from "@meeting-webhooks/inbox";
import { providerInfo, providers } from "@meeting-webhooks/specs/providers";
import type { Provider } from "@meeting-webhooks/types";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { DownloadOutcome } from "./read-model/downloads.js";

/** The name of each metric this module defines (the process metrics are prom-client's). */
export const metricNames = {
  deliveries: "meeting_webhooks_deliveries_total",
  refusals: "meeting_webhooks_refusals_total",
  ingest: "meeting_webhooks_ingest_duration_seconds",
  runs: "meeting_webhooks_runs_total",
  lag: "meeting_webhooks_processing_lag_seconds",
  queue: "meeting_webhooks_queue_depth",
  downloads: "meeting_webhooks_downloads_total",
} as const;

/** The states `meeting_webhooks_queue_depth` reports: the queue's, and the dead deliveries waiting for a person. */
const queueStates = [
  "queued",
  "running",
  "retrying",
  "dead",
] as const satisfies readonly (keyof InboxCounts)[];
const deliveryOutcomes = [
  "accepted",
  "unknown",
  "quarantined",
  "duplicate",
] as const satisfies readonly ReceivedFacts["status"][];
const runOutcomes = ["handled", "retried", "dead"] as const;
const downloadOutcomes = [
  "downloaded",
  "expired",
  "broken",
  "failed",
  "attempted",
] as const satisfies readonly DownloadOutcome["kind"][];

export interface ReceiverMetrics {
  /** Feeds the counters and histograms from the inbox's facts (give it to `createInbox`, through `fanOut`). */
  readonly observer: InboxObserver;
  /** The queue gauges read these counts at each scrape (`inbox.counts()`: two small indexes, never the log). */
  countQueue(counts: () => Promise<InboxCounts>): void;
  /** One download by the processing handlers, by what it came to. */
  downloaded(provider: Provider, outcome: DownloadOutcome["kind"]): void;
  /** The exposition's `Content-Type` (Prometheus text format 0.0.4). */
  readonly contentType: string;
  /** The exposition: this receiver's metrics and the process's. */
  scrape(): Promise<string>;
  /** This receiver's own registry (not the process metrics), for tests and for adding metrics. */
  readonly registry: Registry;
}

// Ingest is verification, parsing and a group commit's fsync: milliseconds; a storage stall shows at the top.
const ingestBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
// Lag spans a handler's run (tens of ms) to retries with backoff (minutes to an hour).
const lagBuckets = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600];

let processRegistry: Registry | undefined;
/**
 * The process metrics in a registry of their own, made once: prom-client's default collectors start an event-loop
 * monitor and a GC observer that are never stopped, so one set per process, not one per receiver.
 */
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

/** A receiver's metrics; `log` hears, once, that the queue could not be counted (the scrape still answers). */
export function createReceiverMetrics(log: (message: string) => void = () => {}): ReceiverMetrics {
  // Started now, not at the first scrape: the GC and event-loop collectors only see what happens after they start.
  const ofProcess = processMetrics();
  const registry = new Registry();
  const registers = [registry];
  const deliveries = new Counter({
    name: metricNames.deliveries,
    help: "Deliveries stored by this process, by provider, channel and outcome (accepted, unknown, quarantined, duplicate).",
    labelNames: ["provider", "channel", "outcome"] as const,
    registers,
  });
  const refusals = new Counter({
    name: metricNames.refusals,
    help: "Deliveries refused by this process (nothing stored), by provider, stage (signature 401, body 400, unavailable 503) and code.",
    labelNames: ["provider", "stage", "code"] as const,
    registers,
  });
  const ingest = new Histogram({
    name: metricNames.ingest,
    help: "Seconds from receiving a delivery to its durable commit (verification, parsing and the group commit), by provider and channel.",
    labelNames: ["provider", "channel"] as const,
    buckets: ingestBuckets,
    registers,
  });
  const runs = new Counter({
    name: metricNames.runs,
    help: "Handler runs this process committed, by provider, channel and outcome (handled; retried: failed and runs again; dead: failed for the last time).",
    labelNames: ["provider", "channel", "outcome"] as const,
    registers,
  });
  const lag = new Histogram({
    name: metricNames.lag,
    help: "Seconds from a delivery's receipt to the commit of its successful run, by the database's clock, by provider and channel.",
    labelNames: ["provider", "channel"] as const,
    buckets: lagBuckets,
    registers,
  });
  const downloads = new Counter({
    name: metricNames.downloads,
    help: "Artifact downloads by processing, by provider and outcome (downloaded, expired, broken, failed; attempted: failed for now, tried again).",
    labelNames: ["provider", "outcome"] as const,
    registers,
  });

  // Every known series of a counter starts at 0, so that `increase()` sees the first delivery of each (a series that
  // appears at 1 has no earlier sample to increase from) and a dashboard shows 0 rather than no data. Refusal codes
  // are an open list: those series appear with their first refusal.
  for (const provider of providers) {
    for (const outcome of downloadOutcomes) downloads.inc({ provider, outcome }, 0);
    for (const channel of providerInfo[provider].channels) {
      for (const outcome of deliveryOutcomes) deliveries.inc({ provider, channel, outcome }, 0);
      for (const outcome of runOutcomes) runs.inc({ provider, channel, outcome }, 0);
    }
  }

  let counts: (() => Promise<InboxCounts>) | undefined;
  let countFailureLogged = false;
  new Gauge({
    name: metricNames.queue,
    help: "Deliveries in the inbox by state (queued, running, retrying; dead: waiting for a person), shared by every replica of one database.",
    labelNames: ["state"] as const,
    registers,
    async collect() {
      if (!counts) return;
      try {
        const now = await counts();
        for (const state of queueStates) this.set({ state }, now[state]);
      } catch (error) {
        // No sample rather than a stale one: an absent series is what `absent()` and a failing /healthz say.
        this.reset();
        if (!countFailureLogged) {
          countFailureLogged = true;
          log(
            `metrics: the inbox could not be counted (${(error as Error).message}); later failures are not logged`,
          );
        }
      }
    },
  });

  const observer: InboxObserver = {
    received: ({ provider, channel, status, ms }) => {
      deliveries.inc({ provider, channel, outcome: status });
      ingest.observe({ provider, channel }, ms / 1000);
    },
    refused: ({ provider, stage, code }) => refusals.inc({ provider, stage, code }),
    handled: ({ provider, channel, lagMs }) => {
      runs.inc({ provider, channel, outcome: "handled" });
      lag.observe({ provider, channel }, lagMs / 1000);
    },
    failed: ({ provider, channel, willRetry }) => {
      // The last failure is counted as `dead` by its own callback, which follows.
      if (willRetry) runs.inc({ provider, channel, outcome: "retried" });
    },
    // Not in the lag histogram: a dead delivery's lag is its backoff, not the handlers' delay; the queue gauge says it.
    dead: ({ provider, channel }) => runs.inc({ provider, channel, outcome: "dead" }),
  };

  return {
    observer,
    countQueue(next) {
      counts = next;
    },
    downloaded: (provider, outcome) => downloads.inc({ provider, outcome }),
    contentType: registry.contentType,
    registry,
    scrape: () => Registry.merge([ofProcess, registry]).metrics(),
  };
}
