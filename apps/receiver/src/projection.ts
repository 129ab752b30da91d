// The projection of one delivery's facts into its meeting: a pure function. Given the facts a provider module made
// of the event and the current state of the meeting and calendar event it touches, it decides every row to write;
// read-model/apply.ts loads that state and writes the result in one transaction. Applying the same delivery twice
// (the inbox runs handlers at least once) gives the same rows.
import type { Provider } from "@meeting-webhooks/types";
import type {
  ArtifactFact,
  CalendarEventFact,
  Download,
  MeetingFacts,
  Normalised,
  TimelineEntry,
} from "./providers/index.js";

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
  provider: Provider;
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

/** What the projection needs to know before it decides: the meeting as stored, and its calendar event. */
export interface ProjectionState {
  meeting: MeetingState | undefined;
  calendarEvent: CalendarEventFact | undefined;
}

/** Every row one delivery changes. */
export interface EventWrites {
  calendarEvents: CalendarEventFact[];
  /** The meeting in its new state (its changed artifacts are in `artifacts`); absent when the event names none. */
  meeting?: MeetingState;
  timeline?: TimelineEntry;
  participants: { name: string; speaker: boolean }[];
  /** Artifacts whose row changes. */
  artifacts: ArtifactState[];
}

export interface ProjectionOptions {
  /** Why this provider's downloads cannot run yet (a key to configure), or null when they can. */
  cannotDownload: string | null;
}

/** The facts of one delivery applied to the stored state. */
export function projectEvent(
  facts: Normalised,
  state: ProjectionState,
  options: ProjectionOptions,
): EventWrites {
  const writes: EventWrites = {
    calendarEvents: facts.calendarEvents ?? [],
    participants: [],
    artifacts: [],
  };
  const m = facts.meeting;
  if (!m) return writes;
  // A calendar event this very delivery carries wins over the stored one.
  const calendar =
    (m.calendarEventId && writes.calendarEvents.find((c) => c.eventId === m.calendarEventId)) ||
    state.calendarEvent;
  const next = merge(state.meeting ?? fresh(m), m, calendar);
  if (facts.timeline) {
    writes.timeline = facts.timeline;
    Object.assign(next, statusAfter(next, facts.timeline));
  }
  const participants = new Map<string, boolean>();
  for (const p of facts.participants ?? [])
    participants.set(p.name, p.speaker || (participants.get(p.name) ?? false));
  writes.participants = [...participants].map(([name, speaker]) => ({ name, speaker }));
  for (const a of facts.artifacts ?? []) {
    const artifact = artifactAfter(next.artifacts.get(a.kind), a, options.cannotDownload);
    next.artifacts = new Map(next.artifacts).set(a.kind, artifact);
    writes.artifacts.push(artifact);
    // Fresh URLs (a retry-callback) are being downloaded again: the meeting no longer needs any.
    if (artifact.state === "queued") next.needsRetryCallback = false;
  }
  writes.meeting = next;
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

/** An artifact URL from a delivery: queued to download when it can be; a new URL (fresh URLs) tries again. */
function artifactAfter(
  current: ArtifactState | undefined,
  fact: ArtifactFact,
  cannotDownload: string | null,
): ArtifactState {
  const sameUrl = current?.url === fact.url;
  if (sameUrl && current) return current; // a redelivery changes nothing
  const downloadable = fact.download !== null && cannotDownload === null;
  return {
    kind: fact.kind,
    url: fact.url,
    download: fact.download,
    state: downloadable ? "queued" : "available",
    attempts: 0,
    error: fact.download !== null ? cannotDownload : null,
  };
}
