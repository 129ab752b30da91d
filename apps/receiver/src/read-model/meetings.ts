// The read side of meetings (GET /api/meetings, /api/meetings/{id}, the dashboard): rows to the JSON of
// specs/receiver/schemas/meeting.json, for both engines over the inbox's seam.
import type { Queryable } from "@meeting-webhooks/inbox/database";
import type { Provider, Receiver } from "@meeting-webhooks/types";
import { bool, int } from "./open.js";

export type Meeting = Receiver.components["schemas"]["Meeting"];

export interface MeetingFilter {
  provider?: string | undefined;
  status?: string | undefined;
  limit: number;
}

interface MeetingRow {
  id: number | string;
  provider: Provider;
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
  updated_at: number | string;
}

const columns = `id, provider, external_id, calendar_event_id, title, start, "end", join_url, platform, status,
  duration_seconds, failure_reason, needs_retry_callback, updated_at`;

async function meetingOf(db: Queryable, row: MeetingRow, withTranscript: boolean): Promise<Meeting> {
  const id = int(row.id);
  const [timeline, participants, artifacts, transcripts] = await Promise.all([
    db.query<{ at: string; status: string; provider_status: string | null; detail: string | null }>(
      "SELECT at, status, provider_status, detail FROM receiver_timeline WHERE meeting_id = $1 ORDER BY at, delivery_id",
      [id],
    ),
    db.query<{ name: string; speaker: number }>(
      "SELECT name, speaker FROM receiver_participants WHERE meeting_id = $1 ORDER BY name",
      [id],
    ),
    db.query<{ kind: string; url: string; state: string; error: string | null }>(
      "SELECT kind, url, state, error FROM receiver_artifacts WHERE meeting_id = $1 ORDER BY kind",
      [id],
    ),
    withTranscript
      ? db.query<{ segments: string; erased_at: number | string | null }>(
          "SELECT segments, erased_at FROM receiver_transcripts WHERE meeting_id = $1",
          [id],
        )
      : Promise.resolve(undefined),
  ]);
  const meeting: Meeting = {
    id,
    provider: row.provider,
    externalId: row.external_id,
    calendarEventId: row.calendar_event_id,
    title: row.title,
    start: row.start,
    end: row.end,
    joinUrl: row.join_url,
    platform: row.platform,
    status: row.status,
    durationSeconds: row.duration_seconds === null ? null : Number(row.duration_seconds),
    failureReason: row.failure_reason,
    needsRetryCallback: bool(row.needs_retry_callback),
    timeline: timeline.map((t) => ({
      at: t.at,
      status: t.status,
      ...(t.provider_status ? { providerStatus: t.provider_status } : {}),
      detail: t.detail,
    })),
    participants: participants.map((p) => ({ name: p.name, speaker: bool(p.speaker) })),
    artifacts: artifacts.map((a) => ({
      kind: a.kind,
      url: a.url,
      // A download waiting its turn is available to the reader: nothing more to say about it yet.
      state: (a.state === "queued" ? "available" : a.state) as Meeting["artifacts"][number]["state"],
      error: a.error,
    })),
    updatedAt: new Date(int(row.updated_at)).toISOString(),
  };
  if (transcripts) {
    const [stored] = transcripts;
    const erasedAt = stored?.erased_at ?? null;
    meeting.transcript = stored && erasedAt === null ? JSON.parse(stored.segments) : null;
    meeting.transcriptErasedAt = erasedAt === null ? null : new Date(int(erasedAt)).toISOString();
  }
  return meeting;
}

/** Meetings, most recently updated first, without transcripts. */
export async function listMeetings(db: Queryable, filter: MeetingFilter): Promise<Meeting[]> {
  const where: string[] = [];
  const params: (string | number)[] = [];
  if (filter.provider) where.push(`provider = $${params.push(filter.provider)}`);
  if (filter.status) where.push(`status = $${params.push(filter.status)}`);
  const rows = await db.query<MeetingRow>(
    `SELECT ${columns} FROM receiver_meetings ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
      ORDER BY updated_at DESC, id DESC LIMIT $${params.push(filter.limit)}`,
    params,
  );
  return Promise.all(rows.map((row) => meetingOf(db, row, false)));
}

/** One meeting with its transcript, or undefined. */
export async function getMeeting(db: Queryable, id: number): Promise<Meeting | undefined> {
  const [row] = await db.query<MeetingRow>(`SELECT ${columns} FROM receiver_meetings WHERE id = $1`, [id]);
  return row ? meetingOf(db, row, true) : undefined;
}

/** The ids of the meetings that deliveries' subjects name (`<provider>:<external id>`), for the deliveries log. */
export async function meetingIdsBySubject(db: Queryable, subjects: string[]): Promise<Map<string, number>> {
  const wanted = [...new Set(subjects)]
    .map((subject) => ({ subject, at: subject.indexOf(":") }))
    .filter(({ at }) => at > 0);
  const ids = new Map<string, number>();
  // A handful per page of deliveries: one query each keeps the SQL the same on both engines.
  for (const { subject, at } of wanted) {
    const [row] = await db.query<{ id: number | string }>(
      "SELECT id FROM receiver_meetings WHERE provider = $1 AND external_id = $2",
      [subject.slice(0, at), subject.slice(at + 1)],
    );
    if (row) ids.set(subject, int(row.id));
  }
  return ids;
}
