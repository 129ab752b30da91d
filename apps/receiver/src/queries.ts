// Reads for the API and the dashboard, shaped as specs/receiver/schemas/*.json.
import type { Receiver } from "@meeting-webhooks/types";
import { type Db, sql } from "./db.js";

type Meeting = Receiver.components["schemas"]["Meeting"];
type Delivery = Receiver.components["schemas"]["Delivery"];

export interface MeetingFilter {
  provider?: string | undefined;
  status?: string | undefined;
  limit: number;
}

interface MeetingRow {
  id: number;
  provider: string;
  external_id: string;
  calendar_event_id: string | null;
  title: string | null;
  start: string | null;
  end: string | null;
  join_url: string | null;
  platform: string | null;
  status: string;
  duration_seconds: number | null;
  failure_reason: string | null;
  needs_retry_callback: number;
  updated_at: string;
}

function meetingOf(db: Db, row: MeetingRow, withTranscript: boolean): Meeting {
  const timeline = sql(
    db,
    "SELECT at, status, provider_status, detail FROM timeline WHERE meeting_id = ? ORDER BY at, delivery_id",
  ).all(row.id) as { at: string; status: string; provider_status: string | null; detail: string | null }[];
  const participants = sql(
    db,
    "SELECT name, speaker FROM participants WHERE meeting_id = ? ORDER BY name",
  ).all(row.id) as { name: string; speaker: number }[];
  const artifacts = sql(
    db,
    "SELECT kind, url, state, error FROM artifacts WHERE meeting_id = ? ORDER BY kind",
  ).all(row.id) as { kind: string; url: string; state: string; error: string | null }[];
  const meeting: Meeting = {
    id: row.id,
    provider: row.provider as Meeting["provider"],
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
    needsRetryCallback: row.needs_retry_callback === 1,
    timeline: timeline.map((t) => ({
      at: t.at,
      status: t.status,
      ...(t.provider_status ? { providerStatus: t.provider_status } : {}),
      detail: t.detail,
    })),
    participants: participants.map((p) => ({ name: p.name, speaker: p.speaker === 1 })),
    artifacts: artifacts.map((a) => ({
      kind: a.kind,
      url: a.url,
      state: (a.state === "queued" ? "available" : a.state) as Meeting["artifacts"][number]["state"],
      error: a.error,
    })),
    updatedAt: row.updated_at,
  };
  if (withTranscript) {
    const transcript = sql(db, "SELECT segments FROM transcripts WHERE meeting_id = ?").get(row.id) as
      | { segments: string }
      | undefined;
    meeting.transcript = transcript ? JSON.parse(transcript.segments) : null;
  }
  return meeting;
}

export function listMeetings(db: Db, filter: MeetingFilter) {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.provider) {
    where.push("provider = ?");
    params.push(filter.provider);
  }
  if (filter.status) {
    where.push("status = ?");
    params.push(filter.status);
  }
  const rows = sql(
    db,
    `SELECT * FROM meetings ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY updated_at DESC, id DESC LIMIT ?`,
  ).all(...params, filter.limit) as MeetingRow[];
  return rows.map((row) => meetingOf(db, row, false));
}

export function getMeeting(db: Db, id: number) {
  const row = sql(db, "SELECT * FROM meetings WHERE id = ?").get(id) as MeetingRow | undefined;
  return row ? meetingOf(db, row, true) : undefined;
}

export interface DeliveryFilter {
  status?: string | undefined;
  provider?: string | undefined;
  event?: string | undefined;
  before?: number | undefined;
  limit: number;
}

interface DeliveryRow {
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

export function listDeliveries(db: Db, filter: DeliveryFilter): Delivery[] {
  const where: string[] = [];
  const params: unknown[] = [];
  for (const [column, value] of [
    ["status", filter.status],
    ["provider", filter.provider],
    ["event", filter.event],
  ] as const) {
    if (value !== undefined) {
      where.push(`${column} = ?`);
      params.push(value);
    }
  }
  if (filter.before !== undefined) {
    where.push("id < ?");
    params.push(filter.before);
  }
  const rows = sql(
    db,
    `SELECT id, delivery_key, provider, channel, event, status, received_at, processed_at, attempts, meeting_id, errors, drift
       FROM deliveries ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY id DESC LIMIT ?`,
  ).all(...params, filter.limit) as DeliveryRow[];
  return rows.map((row) => ({
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
    errors: row.errors ? JSON.parse(row.errors) : [],
    drift: row.drift ? JSON.parse(row.drift) : [],
  }));
}

/**
 * Requests refused as not authentic, by code: the committed counts plus those the writer holds until its next commit
 * (it counts refusals lazily), so a read shows them current without writing.
 */
export function rejectionCounts(
  db: Db,
  pending: ReadonlyMap<string, number> = new Map(),
): Record<string, number> {
  const rows = sql(db, "SELECT code, count FROM rejections ORDER BY code").all() as {
    code: string;
    count: number;
  }[];
  const counts = new Map(rows.map((r) => [r.code, r.count]));
  for (const [code, n] of pending) counts.set(code, (counts.get(code) ?? 0) + n);
  return Object.fromEntries([...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
