// Drift in the stored deliveries: what they have that the contracts do not know, per event, for GET /api/drift and
// the dashboard. The analysis is @meeting-webhooks/drift's (the engine behind `meeting-webhooks drift`); this
// module only reads the stored bodies through the inbox's captures view (either engine).
import { DriftAnalyser, type EventDrift } from "@meeting-webhooks/drift";
import { providers as allProviders, type Provider } from "@meeting-webhooks/specs/providers";
import type { Receiver } from "@meeting-webhooks/types";
import type { ReadSide } from "./read-side.js";

type DriftSummary = Receiver.components["schemas"]["DriftSummary"];

export interface DriftFilter {
  since?: string | undefined;
  provider?: Provider | undefined;
}

/** Every event with drift since a time, the most recently changed first. */
export async function driftSummary(storage: ReadSide, filter: DriftFilter): Promise<DriftSummary> {
  const providers: readonly Provider[] = filter.provider ? [filter.provider] : allProviders;
  const events: (EventDrift & { provider: Provider })[] = [];
  let deliveries = 0;
  for (const provider of providers) {
    const analyser = new DriftAnalyser(provider, filter.since ? { since: filter.since } : {});
    for (const row of await storage.captures(provider, filter.since)) {
      let body: unknown;
      try {
        body = JSON.parse(row.body.toString());
      } catch {
        continue;
      }
      const channel = row.channel === "callback" || row.channel === "webhook" ? row.channel : undefined;
      analyser.add({ body, receivedAt: row.receivedAt, channel });
    }
    const analysis = analyser.result();
    deliveries += analysis.deliveries;
    for (const event of analysis.events) if (event.findings.length > 0) events.push({ ...event, provider });
  }
  const lastSeen = (event: EventDrift) =>
    event.findings.reduce((last, f) => (f.lastSeen !== null && f.lastSeen > last ? f.lastSeen : last), "");
  const firstSeen = (event: EventDrift) =>
    event.findings.reduce<string | null>(
      (first, f) => (f.firstSeen !== null && (first === null || f.firstSeen < first) ? f.firstSeen : first),
      null,
    );
  events.sort((a, b) => (lastSeen(a) < lastSeen(b) ? 1 : -1));
  return {
    since: filter.since ?? null,
    deliveries,
    events: events.map((event) => ({
      provider: event.provider,
      event: event.event,
      known: event.known,
      deliveries: event.deliveries,
      firstSeen: firstSeen(event),
      lastSeen: lastSeen(event) || null,
      findings: event.findings.map((f) => ({
        kind: f.kind,
        paths: f.paths,
        ...(f.name !== undefined ? { name: f.name } : {}),
        values: f.values,
        types: f.types,
        deliveries: f.deliveries,
        firstSeen: f.firstSeen,
        lastSeen: f.lastSeen,
      })),
    })),
  };
}
