// The projection of deliveries into meetings: a pure fold. Given a batch of claimed deliveries and the current
// state of the meetings and calendar events they touch, it decides every row to write; the storage engine loads
// that state and writes the result in the transaction that marks the deliveries processed.
import {
  type ArtifactFact,
  type CalendarEventFact,
  type Download,
  type MeetingFacts,
  type Normalised,
  normalise,
  storedEvent,
} from "./providers/index.js";
import type { ClaimedDelivery } from "./storage/types.js";

const terminal = new Set(["completed", "failed"]);

export interface ArtifactState {
  kind: string;
  url: string;
  /** The artifact contract to download and check it against, as the provider module said; null: a link only. */
  download: Download | null;
  /** `queued` (to download), `available`, `downloaded`, `expired` or `failed`. */
  state: string;
  attempts: number;
  error: string | null;
}

export interface MeetingState {
  provider: "cronofy" | "meetingbaas";
  externalId: string;
  calendarEventId: string | null;
  title: string | null;
  start: string | null;
  end: string | null;
  joinUrl: string | null;
  platform: string | null;
  status: string;
  statusAt: string | null;
  durationSeconds: number | null;
  failureReason: string | null;
  needsRetryCallback: boolean;
  artifacts: Map<string, ArtifactState>;
}

export interface ProjectionState {
  /** By `meetingKey(provider, externalId)`; absent: a new meeting. */
  meetings: Map<string, MeetingState>;
  /** By `calendarKey(provider, eventId)`. */
  calendarEvents: Map<string, CalendarEventFact>;
}

export interface TimelineWrite {
  meetingKey: string;
  deliveryId: number;
  at: string;
  status: string;
  providerStatus: string;
  detail: string | null;
}

export interface MeetingWrites {
  calendarEvents: (CalendarEventFact & { provider: string })[];
  /** Every meeting the batch touched, in its new state (artifacts are in `artifacts`). */
  meetings: (MeetingState & { key: string })[];
  timeline: TimelineWrite[];
  participants: { meetingKey: string; name: string; speaker: boolean }[];
  /** Artifacts whose row changes. */
  artifacts: (ArtifactState & { meetingKey: string })[];
  processed: { deliveryId: number; meetingKey: string | null }[];
  failed: { deliveryId: number; error: string }[];
}

export const meetingKey = (provider: string, externalId: string) => `${provider}\u0000${externalId}`;
export const calendarKey = (provider: string, eventId: string) => `${provider}\u0000${eventId}`;
export const splitKey = (key: string) => key.split("\u0000") as [string, string];

export interface Projection {
  /** What to load before projecting. */
  meetingKeys: string[];
  calendarKeys: string[];
  writes(state: ProjectionState): MeetingWrites;
}

interface Prepared {
  delivery: ClaimedDelivery;
  facts?: Normalised;
  error?: string;
}

/** Normalises a batch (in id order) and says what it needs to know; `writes` does the rest. */
export function prepareProjection(
  deliveries: ClaimedDelivery[],
  options: { cronofyApiKey: string | undefined },
): Projection {
  const prepared: Prepared[] = [...deliveries]
    .sort((a, b) => a.id - b.id)
    .map((delivery) => {
      try {
        return { delivery, facts: normalise(storedEvent(delivery), delivery.receivedAt) };
      } catch (error) {
        return { delivery, error: `processing failed: ${(error as Error).message}` };
      }
    });
  const meetingKeys = new Set<string>();
  const calendarKeys = new Set<string>();
  for (const { facts } of prepared) {
    if (facts?.meeting) {
      meetingKeys.add(meetingKey(facts.meeting.provider, facts.meeting.externalId));
      if (facts.meeting.calendarEventId)
        calendarKeys.add(calendarKey(facts.meeting.provider, facts.meeting.calendarEventId));
    }
  }
  return {
    meetingKeys: [...meetingKeys],
    calendarKeys: [...calendarKeys],
    writes: (state) => project(prepared, state, options),
  };
}

function project(
  prepared: Prepared[],
  state: ProjectionState,
  options: { cronofyApiKey: string | undefined },
): MeetingWrites {
  const calendar = new Map(state.calendarEvents);
  const calendarWrites = new Map<string, CalendarEventFact & { provider: string }>();
  const meetings = new Map<string, MeetingState>();
  const artifactWrites = new Map<string, ArtifactState & { meetingKey: string }>();
  const participants = new Map<string, { meetingKey: string; name: string; speaker: boolean }>();
  const writes: MeetingWrites = {
    calendarEvents: [],
    meetings: [],
    timeline: [],
    participants: [],
    artifacts: [],
    processed: [],
    failed: [],
  };
  for (const { delivery, facts, error } of prepared) {
    if (!facts) {
      writes.failed.push({ deliveryId: delivery.id, error: error ?? "processing failed" });
      continue;
    }
    for (const c of facts.calendarEvents ?? []) {
      const key = calendarKey("meetingbaas", c.eventId);
      calendar.set(key, c);
      calendarWrites.set(key, { ...c, provider: "meetingbaas" });
    }
    const m = facts.meeting;
    if (!m) {
      writes.processed.push({ deliveryId: delivery.id, meetingKey: null });
      continue;
    }
    const key = meetingKey(m.provider, m.externalId);
    const current = meetings.get(key) ?? state.meetings.get(key) ?? fresh(m);
    const event = m.calendarEventId ? calendar.get(calendarKey(m.provider, m.calendarEventId)) : undefined;
    const next = merge(current, m, event);
    if (facts.timeline) {
      writes.timeline.push({ meetingKey: key, deliveryId: delivery.id, ...facts.timeline });
      Object.assign(next, statusAfter(next, facts.timeline));
    }
    for (const p of facts.participants ?? []) {
      const pk = `${key}\u0000${p.name}`;
      const seen = participants.get(pk);
      participants.set(pk, { meetingKey: key, name: p.name, speaker: p.speaker || (seen?.speaker ?? false) });
    }
    for (const a of facts.artifacts ?? []) {
      const artifact = artifactAfter(next.artifacts.get(a.kind), a, options.cronofyApiKey);
      next.artifacts = new Map(next.artifacts).set(a.kind, artifact);
      artifactWrites.set(`${key}\u0000${a.kind}`, { ...artifact, meetingKey: key });
      // Fresh signed URLs (a retry-callback) are being downloaded again: the meeting no longer needs one.
      if (m.provider === "meetingbaas" && artifact.state === "queued") next.needsRetryCallback = false;
    }
    meetings.set(key, next);
    writes.processed.push({ deliveryId: delivery.id, meetingKey: key });
  }
  writes.calendarEvents = [...calendarWrites.values()];
  writes.meetings = [...meetings].map(([key, meeting]) => ({ ...meeting, key }));
  writes.participants = [...participants.values()];
  writes.artifacts = [...artifactWrites.values()];
  return writes;
}

function fresh(m: MeetingFacts): MeetingState {
  return {
    provider: m.provider,
    externalId: m.externalId,
    calendarEventId: null,
    title: null,
    start: null,
    end: null,
    joinUrl: null,
    platform: null,
    status: "scheduled",
    statusAt: null,
    durationSeconds: null,
    failureReason: null,
    needsRetryCallback: false,
    artifacts: new Map(),
  };
}

/** New facts win; a fact the delivery does not know keeps the stored one; the calendar event fills the gaps. */
function merge(
  current: MeetingState,
  m: MeetingFacts,
  calendar: CalendarEventFact | undefined,
): MeetingState {
  return {
    ...current,
    calendarEventId: m.calendarEventId ?? current.calendarEventId,
    title: m.title ?? calendar?.title ?? current.title,
    start: m.start ?? calendar?.start ?? current.start,
    end: m.end ?? calendar?.end ?? current.end,
    joinUrl: m.joinUrl ?? calendar?.joinUrl ?? current.joinUrl,
    platform: m.platform ?? calendar?.platform ?? current.platform,
    durationSeconds: m.durationSeconds ?? current.durationSeconds,
    failureReason: m.failureReason ?? current.failureReason,
  };
}

/**
 * The meeting's status after a new timeline entry: deliveries arrive out of order, so an entry only wins when it
 * is newer than the current status, and a terminal status (completed, failed) only yields to a newer terminal one.
 */
export function statusAfter(
  current: Pick<MeetingState, "status" | "statusAt">,
  entry: { at: string; status: string },
): Pick<MeetingState, "status" | "statusAt"> {
  const newer = current.statusAt === null || Date.parse(entry.at) >= Date.parse(current.statusAt);
  const currentTerminal = current.statusAt !== null && terminal.has(current.status);
  const wins = terminal.has(entry.status) ? newer || !currentTerminal : newer && !currentTerminal;
  return wins ? { status: entry.status, statusAt: entry.at } : current;
}

/** A new delivery (retry-callback) brings fresh signed URLs: take them and try again. */
function artifactAfter(
  current: ArtifactState | undefined,
  fact: ArtifactFact,
  cronofyApiKey: string | undefined,
): ArtifactState {
  let state = "available";
  let error: string | null = null;
  if (fact.download === "meetingbaas/transcription") state = "queued";
  if (fact.download === "cronofy/transcript") {
    if (cronofyApiKey) state = "queued";
    else error = "set CRONOFY_API_KEY to download Cronofy transcripts";
  }
  const sameUrl = current?.url === fact.url;
  return {
    kind: fact.kind,
    url: fact.url,
    download: fact.download,
    state: current?.state === "downloaded" && sameUrl ? "downloaded" : state,
    attempts: sameUrl ? (current?.attempts ?? 0) : 0,
    error,
  };
}
