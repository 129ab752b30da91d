// Applying one delivery's facts: load the meeting, its artifacts and its calendar event (one statement), project (a
// pure function), write every row it decided, in one transaction. Written once for both engines over the inbox's
// seam; idempotent, since the inbox may run a delivery again (an upsert per row, the timeline keyed by delivery).
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

/** A calendar event's columns as both reads select them (`calendarColumns`), null when the join found none. */
interface CalendarColumns {
  c_event_id: string | null;
  c_title: string | null;
  c_start: string | null;
  c_end: string | null;
  c_join_url: string | null;
  c_platform: string | null;
  c_status: string | null;
}

const calendarColumns = `c.event_id AS c_event_id, c.title AS c_title, c.start AS c_start, c."end" AS c_end,
  c.join_url AS c_join_url, c.platform AS c_platform, c.status AS c_status`;

function calendarEvent(row: CalendarColumns): CalendarEventFact | undefined {
  if (row.c_event_id === null) return undefined;
  return {
    eventId: row.c_event_id,
    title: row.c_title,
    start: row.c_start,
    end: row.c_end,
    joinUrl: row.c_join_url,
    platform: row.c_platform,
    status: row.c_status,
  };
}

interface StateRow extends CalendarColumns {
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
  /** The columns of one of its artifacts, all null when it has none. */
  a_kind: string | null;
  a_url: string;
  a_download: ArtifactState["download"];
  a_state: string;
  a_attempts: number | string;
  a_error: string | null;
}

/**
 * The meeting as stored, its artifacts and its calendar event (the one the delivery names, else the stored one): one
 * statement, a row per artifact, as each is a round trip inside the transaction that bounds how fast the queue
 * drains. A meeting not stored yet takes a second statement for its calendar event, when the delivery names one.
 */
async function loadState(
  tx: Queryable,
  provider: string,
  meeting: { provider: MeetingState["provider"]; externalId: string; calendarEventId?: string | null },
): Promise<{ id: number; state: MeetingState; calendarEvent: CalendarEventFact | undefined } | undefined> {
  const rows = await tx.query<StateRow>(
    `SELECT m.id, m.calendar_event_id, m.title, m.start, m."end", m.join_url, m.platform, m.status, m.status_at,
            m.duration_seconds, m.failure_reason, m.needs_retry_callback,
            a.kind AS a_kind, a.url AS a_url, a.download AS a_download, a.state AS a_state,
            a.attempts AS a_attempts, a.error AS a_error, ${calendarColumns}
       FROM receiver_meetings m
       LEFT JOIN receiver_artifacts a ON a.meeting_id = m.id
       LEFT JOIN receiver_calendar_events c
         ON c.provider = $3 AND c.event_id = COALESCE($4, m.calendar_event_id)
      WHERE m.provider = $1 AND m.external_id = $2`,
    [meeting.provider, meeting.externalId, provider, meeting.calendarEventId ?? null],
  );
  const [row] = rows;
  if (!row) return undefined;
  const artifacts = new Map<string, ArtifactState>();
  for (const a of rows) {
    if (a.a_kind === null) continue;
    artifacts.set(a.a_kind, {
      kind: a.a_kind,
      url: a.a_url,
      download: a.a_download,
      state: a.a_state,
      attempts: int(a.a_attempts),
      error: a.a_error,
    });
  }
  return {
    id: int(row.id),
    state: {
      provider: meeting.provider,
      externalId: meeting.externalId,
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
      artifacts,
    },
    calendarEvent: calendarEvent(row),
  };
}

async function loadCalendarEvent(
  tx: Queryable,
  provider: string,
  eventId: string | null | undefined,
): Promise<CalendarEventFact | undefined> {
  if (!eventId) return undefined;
  const [row] = await tx.query<CalendarColumns>(
    `SELECT ${calendarColumns} FROM receiver_calendar_events c WHERE c.provider = $1 AND c.event_id = $2`,
    [provider, eventId],
  );
  return row && calendarEvent(row);
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
    const stored = facts.meeting ? await loadState(tx, delivery.provider, facts.meeting) : undefined;
    const calendarEvent = stored
      ? stored.calendarEvent
      : await loadCalendarEvent(tx, delivery.provider, facts.meeting?.calendarEventId);
    const writes = projectEvent(facts, { meeting: stored?.state, calendarEvent }, options);
    await writeCalendarEvents(tx, delivery.provider, writes.calendarEvents);
    if (!writes.meeting) return { meetingId: null, queued: [] };
    const meetingId = await writeMeeting(tx, writes.meeting, db.dialect.now);
    await writeMeetingRows(tx, meetingId, delivery.id, writes);
    return { meetingId, queued: writes.artifacts.filter((a) => a.state === "queued") };
  });
}
