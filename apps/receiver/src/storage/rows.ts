// Row shapes of both engines to the API's JSON (specs/receiver/schemas), and the lag statistics.
import type { ArtifactState, MeetingState } from "../projection.js";
import type { Delivery, Lag, Meeting } from "./types.js";
import { percentile } from "./types.js";

export interface MeetingRow {
  id: number;
  provider: "cronofy" | "meetingbaas";
  external_id: string;
  calendar_event_id: string | null;
  title: string | null;
  start: string | null;
  end: string | null;
  join_url: string | null;
  platform: string | null;
  status: string;
  status_at: string | null;
  duration_seconds: number | null;
  failure_reason: string | null;
  needs_retry_callback: number;
  updated_at: string;
}

export interface DeliveryRow {
  id: number;
  delivery_key: string;
  provider: string;
  channel: string;
  event: string | null;
  status: string;
  received_at: string;
  processed_at: string | null;
  attempts: number;
  meeting_id: number | null;
  errors: string | null;
  drift: string | null;
}

export interface TimelineRow {
  at: string;
  status: string;
  provider_status: string | null;
  detail: string | null;
}

export function meetingJson(
  row: Omit<MeetingRow, "needs_retry_callback" | "updated_at"> & {
    needs_retry_callback: boolean;
    updated_at: string;
  },
  timeline: TimelineRow[],
  participants: { name: string; speaker: boolean }[],
  artifacts: { kind: string; url: string; state: string; error: string | null }[],
  transcript?: Meeting["transcript"],
): Meeting {
  const meeting: Meeting = {
    id: row.id,
    provider: row.provider,
    externalId: row.external_id,
    calendarEventId: row.calendar_event_id,
    title: row.title,
    start: row.start,
    end: row.end,
    joinUrl: row.join_url,
    platform: row.platform,
    status: row.status,
    durationSeconds: row.duration_seconds,
    failureReason: row.failure_reason,
    needsRetryCallback: row.needs_retry_callback,
    timeline: timeline.map((t) => ({
      at: t.at,
      status: t.status,
      ...(t.provider_status ? { providerStatus: t.provider_status } : {}),
      detail: t.detail,
    })),
    participants,
    artifacts: artifacts.map((a) => ({
      kind: a.kind,
      url: a.url,
      state: (a.state === "queued" ? "available" : a.state) as Meeting["artifacts"][number]["state"],
      error: a.error,
    })),
    updatedAt: row.updated_at,
  };
  if (transcript !== undefined) meeting.transcript = transcript;
  return meeting;
}

export function deliveryJson(
  row: Omit<DeliveryRow, "errors" | "drift"> & { errors: unknown[]; drift: unknown[] },
): Delivery {
  return {
    id: row.id,
    deliveryKey: row.delivery_key,
    provider: row.provider as Delivery["provider"],
    channel: row.channel as Delivery["channel"],
    event: row.event,
    status: row.status as Delivery["status"],
    receivedAt: row.received_at,
    processedAt: row.processed_at,
    attempts: row.attempts,
    meetingId: row.meeting_id,
    errors: row.errors as Delivery["errors"],
    drift: row.drift as Delivery["drift"],
  };
}

export function lagOf(samples: number[]): Lag {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    maxMs: sorted.at(-1) ?? 0,
  };
}

/** Committed counts plus those still waiting for the next commit: reads never write. */
export function withQueued(
  rows: { code: string; count: number }[],
  queued: Map<string, number>,
): Record<string, number> {
  const counts = Object.fromEntries(rows.map((r) => [r.code, r.count]));
  for (const [code, n] of queued) counts[code] = (counts[code] ?? 0) + n;
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * Per subject of a batch, the first pending delivery outside the batch that comes before one of the batch's own
 * (each batch delivery after it must wait). `pendingUpTo(subject, last)` lists the subject's pending ids up to the
 * batch's last one, in order: an index range, bounded by what the workers hold, never the whole backlog.
 */
export function firstWaiting(
  batch: { id: number; subject: string | null }[],
  pendingUpTo: (subject: string, last: number) => number[],
): Map<string, number> {
  const ids = new Map<string, Set<number>>();
  for (const d of batch) {
    if (!d.subject) continue;
    const set = ids.get(d.subject) ?? new Set<number>();
    set.add(d.id);
    ids.set(d.subject, set);
  }
  const waiting = new Map<string, number>();
  for (const [subject, own] of ids) {
    const first = pendingUpTo(subject, Math.max(...own)).find((id) => !own.has(id));
    if (first !== undefined) waiting.set(subject, first);
  }
  return waiting;
}

/** A meeting row as the projection folds it, with its artifacts by kind (both engines). */
export function meetingStateOf(row: MeetingRow, artifacts: ArtifactState[]): MeetingState {
  return {
    provider: row.provider,
    externalId: row.external_id,
    calendarEventId: row.calendar_event_id,
    title: row.title,
    start: row.start,
    end: row.end,
    joinUrl: row.join_url,
    platform: row.platform,
    status: row.status,
    statusAt: row.status_at,
    durationSeconds: row.duration_seconds,
    failureReason: row.failure_reason,
    needsRetryCallback: Boolean(row.needs_retry_callback), // SQLite stores 0/1, PostgreSQL a boolean
    artifacts: new Map(artifacts.map((a) => [a.kind, a])),
  };
}
