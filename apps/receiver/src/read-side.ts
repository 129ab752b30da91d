// What the read API, the dashboard and drift read, in one place: meetings from the receiver's tables, deliveries and
// their states from the inbox, captured bodies through the inbox's `inbox_captures` view, and the counters, with
// what this process has counted but not written yet.
import type { Inbox } from "@meeting-webhooks/inbox";
import type { Database } from "@meeting-webhooks/inbox/database";
import type { Provider, Receiver } from "@meeting-webhooks/types";
import type { OperationsRecorder } from "./operations.js";
import {
  getMeeting,
  listMeetings,
  type Meeting,
  type MeetingFilter,
  meetingIdsBySubject,
} from "./read-model/meetings.js";
import { int } from "./read-model/open.js";
import { type OperationsMinute, operationsSince, refusalCounts } from "./read-model/operations.js";

export type Delivery = Receiver.components["schemas"]["Delivery"];
export type { Meeting, OperationsMinute };

export interface DeliveryFilter {
  state?: "queued" | "running" | "retrying" | "handled" | "dead" | undefined;
  status?: "accepted" | "unknown" | "quarantined" | undefined;
  provider?: string | undefined;
  event?: string | undefined;
  before?: string | undefined;
  limit: number;
}

export interface Operations {
  queueDepth: number;
  running: number;
  minutes: OperationsMinute[];
}

export interface StoredBody {
  channel: string;
  /** RFC 3339. */
  receivedAt: string;
  body: Buffer;
}

export interface ReadSide {
  listMeetings(filter: MeetingFilter): Promise<Meeting[]>;
  getMeeting(id: number): Promise<Meeting | undefined>;
  listDeliveries(filter: DeliveryFilter): Promise<Delivery[]>;
  /** Requests refused before anything was stored, by code. */
  refusals(): Promise<Record<string, number>>;
  /** Deliveries waiting for processing (queued, running, retrying). */
  pending(): Promise<number>;
  operations(sinceMinutes: number): Promise<Operations>;
  /** The stored bodies of a provider's deliveries received at or after `since`, oldest first (for drift). */
  captures(provider: Provider, since: string | undefined): Promise<StoredBody[]>;
}

const iso = (date: Date | null) => (date ? date.toISOString() : null);

export function readSide(inbox: Inbox, recorders: (OperationsRecorder | undefined)[]): ReadSide {
  const db: Database = inbox.database;
  return {
    listMeetings: (filter) => listMeetings(db, filter),
    getMeeting: (id) => getMeeting(db, id),
    async listDeliveries(filter) {
      const records = await inbox.deliveries({
        ...(filter.state ? { state: filter.state } : {}),
        ...(filter.status ? { status: filter.status } : {}),
        ...(filter.provider ? { provider: filter.provider } : {}),
        ...(filter.event ? { event: filter.event } : {}),
        ...(filter.before ? { before: filter.before } : {}),
        limit: filter.limit,
      });
      const meetings = await meetingIdsBySubject(
        db,
        records.flatMap((r) => (r.subject ? [r.subject] : [])),
      );
      return records.map((r) => ({
        id: r.id,
        deliveryKey: r.deliveryKey,
        provider: r.provider as Delivery["provider"],
        channel: r.channel as Delivery["channel"],
        event: r.event,
        status: r.status,
        state: r.state,
        receivedAt: r.receivedAt.toISOString(),
        finishedAt: iso(r.finishedAt),
        attempts: r.attempts,
        lastError: r.lastError,
        meetingId: r.subject ? (meetings.get(r.subject) ?? null) : null,
        errors: r.issues as Delivery["errors"],
        drift: r.drift as Delivery["drift"],
        forgotten: r.forgotten ? { at: r.forgotten.at.toISOString(), by: r.forgotten.by } : null,
      }));
    },
    async refusals() {
      const counts = await refusalCounts(db);
      for (const recorder of recorders) {
        for (const [code, n] of recorder?.pendingRefusals() ?? []) counts[code] = (counts[code] ?? 0) + n;
      }
      return counts;
    },
    async pending() {
      const counts = await inbox.counts();
      return counts.queued + counts.running + counts.retrying;
    },
    async operations(sinceMinutes) {
      const [counts, minutes] = await Promise.all([inbox.counts(), operationsSince(db, sinceMinutes)]);
      return { queueDepth: counts.queued + counts.retrying, running: counts.running, minutes };
    },
    async captures(provider, since) {
      const rows = await db.query<{ channel: string; received_at: number | string; body: Buffer }>(
        `SELECT channel, received_at, body FROM inbox_captures WHERE provider = $1 AND received_at >= $2 ORDER BY id`,
        [provider, since ? Date.parse(since) : 0],
      );
      return rows.map((r) => ({
        channel: r.channel,
        receivedAt: new Date(int(r.received_at)).toISOString(),
        body: Buffer.from(r.body),
      }));
    },
  };
}
