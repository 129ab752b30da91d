// Applying one delivery's facts: load the meeting and its calendar event, project (a pure function), write every
// row it decided, in one transaction. Written once for both engines over the inbox's seam; idempotent, since the
// inbox may run a delivery again (an upsert per row, the timeline keyed by delivery).
import type { Database, Queryable } from "@meeting-webhooks/inbox/database";
import { type ArtifactState, type EventWrites, type MeetingState, projectEvent } from "../projection.js";
import type { CalendarEventFact, Normalised } from "../providers/index.js";
import { bool, int } from "./open.js";

export interface Applied {
  /** The meeting the delivery moved, if it names one. */
  meetingId: number | null;
  /** Its artifacts queued for download by this delivery. */
  queued: ArtifactState[];
}

interface MeetingRow {
  id: number | string;
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
}

async function loadMeeting(
  tx: Queryable,
  provider: MeetingState["provider"],
  externalId: string,
): Promise<{ id: number; state: MeetingState } | undefined> {
  const [row] = await tx.query<MeetingRow>(
    `SELECT id, calendar_event_id, title, start, "end", join_url, platform, status, status_at, duration_seconds,
            failure_reason, needs_retry_callback
       FROM receiver_meetings WHERE provider = $1 AND external_id = $2`,
    [provider, externalId],
  );
  if (!row) return undefined;
  const id = int(row.id);
  const artifacts = await tx.query<ArtifactState>(
    "SELECT kind, url, download, state, attempts, error FROM receiver_artifacts WHERE meeting_id = $1",
    [id],
  );
  return {
    id,
    state: {
      provider,
      externalId,
      calendarEventId: row.calendar_event_id,
      title: row.title,
      start: row.start,
      end: row.end,
      joinUrl: row.join_url,
      platform: row.platform,
      status: row.status,
      statusAt: row.status_at,
      durationSeconds: row.duration_seconds === null ? null : Number(row.duration_seconds),
      failureReason: row.failure_reason,
      needsRetryCallback: bool(row.needs_retry_callback),
      artifacts: new Map(artifacts.map((a) => [a.kind, { ...a, attempts: int(a.attempts) }])),
    },
  };
}

async function loadCalendarEvent(
  tx: Queryable,
  provider: string,
  eventId: string | null | undefined,
): Promise<CalendarEventFact | undefined> {
  if (!eventId) return undefined;
  const [row] = await tx.query<{
    event_id: string;
    title: string | null;
    start: string | null;
    end: string | null;
    join_url: string | null;
    platform: string | null;
    status: string | null;
  }>(
    `SELECT event_id, title, start, "end", join_url, platform, status FROM receiver_calendar_events
      WHERE provider = $1 AND event_id = $2`,
    [provider, eventId],
  );
  return row
    ? {
        eventId: row.event_id,
        title: row.title,
        start: row.start,
        end: row.end,
        joinUrl: row.join_url,
        platform: row.platform,
        status: row.status,
      }
    : undefined;
}

async function writeCalendarEvents(
  tx: Queryable,
  provider: string,
  events: CalendarEventFact[],
): Promise<void> {
  for (const c of events) {
    await tx.query(
      `INSERT INTO receiver_calendar_events (provider, event_id, title, start, "end", join_url, platform, status)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (provider, event_id) DO UPDATE SET title = excluded.title, start = excluded.start,
         "end" = excluded."end", join_url = excluded.join_url, platform = excluded.platform, status = excluded.status`,
      [provider, c.eventId, c.title, c.start, c.end, c.joinUrl, c.platform, c.status],
    );
  }
}

async function writeMeeting(tx: Queryable, m: MeetingState, now: string): Promise<number> {
  const [row] = await tx.query<{ id: number | string }>(
    `INSERT INTO receiver_meetings (provider, external_id, calendar_event_id, title, start, "end", join_url, platform,
        status, status_at, duration_seconds, failure_reason, needs_retry_callback, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, ${now})
     ON CONFLICT (provider, external_id) DO UPDATE SET calendar_event_id = excluded.calendar_event_id,
       title = excluded.title, start = excluded.start, "end" = excluded."end", join_url = excluded.join_url,
       platform = excluded.platform, status = excluded.status, status_at = excluded.status_at,
       duration_seconds = excluded.duration_seconds, failure_reason = excluded.failure_reason,
       needs_retry_callback = excluded.needs_retry_callback, updated_at = excluded.updated_at
     RETURNING id`,
    [
      m.provider,
      m.externalId,
      m.calendarEventId,
      m.title,
      m.start,
      m.end,
      m.joinUrl,
      m.platform,
      m.status,
      m.statusAt,
      m.durationSeconds,
      m.failureReason,
      m.needsRetryCallback ? 1 : 0,
    ],
  );
  return int(row?.id);
}

async function writeMeetingRows(
  tx: Queryable,
  meetingId: number,
  deliveryId: number,
  writes: EventWrites,
): Promise<void> {
  if (writes.timeline) {
    const t = writes.timeline;
    await tx.query(
      `INSERT INTO receiver_timeline (meeting_id, delivery_id, at, status, provider_status, detail)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (meeting_id, delivery_id) DO UPDATE SET at = excluded.at, status = excluded.status,
         provider_status = excluded.provider_status, detail = excluded.detail`,
      [meetingId, deliveryId, t.at, t.status, t.providerStatus, t.detail],
    );
  }
  for (const p of writes.participants) {
    await tx.query(
      `INSERT INTO receiver_participants (meeting_id, name, speaker) VALUES ($1, $2, $3)
       ON CONFLICT (meeting_id, name) DO UPDATE SET speaker = CASE WHEN excluded.speaker = 1 THEN 1
         ELSE receiver_participants.speaker END`,
      [meetingId, p.name, p.speaker ? 1 : 0],
    );
  }
  for (const a of writes.artifacts) {
    await tx.query(
      `INSERT INTO receiver_artifacts (meeting_id, kind, url, download, state, attempts, error)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (meeting_id, kind) DO UPDATE SET url = excluded.url, download = excluded.download,
         state = excluded.state, attempts = excluded.attempts, error = excluded.error`,
      [meetingId, a.kind, a.url, a.download, a.state, a.attempts, a.error],
    );
  }
}

/** Applies one delivery's facts in one transaction. */
export function applyFacts(
  db: Database,
  delivery: { id: number; provider: MeetingState["provider"] },
  facts: Normalised,
  options: { cannotDownload: string | null },
): Promise<Applied> {
  return db.transaction(async (tx) => {
    const stored = facts.meeting
      ? await loadMeeting(tx, facts.meeting.provider, facts.meeting.externalId)
      : undefined;
    const calendarEventId = facts.meeting?.calendarEventId ?? stored?.state.calendarEventId;
    const writes = projectEvent(
      facts,
      {
        meeting: stored?.state,
        calendarEvent: await loadCalendarEvent(tx, delivery.provider, calendarEventId),
      },
      options,
    );
    await writeCalendarEvents(tx, delivery.provider, writes.calendarEvents);
    if (!writes.meeting) return { meetingId: null, queued: [] };
    const meetingId = await writeMeeting(tx, writes.meeting, db.dialect.now);
    await writeMeetingRows(tx, meetingId, delivery.id, writes);
    return { meetingId, queued: writes.artifacts.filter((a) => a.state === "queued") };
  });
}
