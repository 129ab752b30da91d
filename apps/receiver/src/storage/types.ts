// The one storage interface of the receiver: ingest, processing, downloads and the read API go through it, and no
// SQL lives outside its engines (storage/sqlite.ts, the embedded default; storage/postgres.ts, for replicas).
import type { Receiver } from "@meeting-webhooks/types";
import type { Projection } from "../projection.js";
import type { Download, TranscriptSegment } from "../providers/facts.js";

export type Meeting = Receiver.components["schemas"]["Meeting"];
export type Delivery = Receiver.components["schemas"]["Delivery"];

export interface NewDelivery {
  deliveryKey: string;
  provider: string;
  channel: string;
  event: string | null;
  status: "pending" | "quarantined" | "unknown";
  /** What deliveries of one meeting share (`meetingbaas:<bot_id>`): they are applied in order, never concurrently. */
  subject: string | null;
  headers: Record<string, string>;
  body: Buffer;
  errors?: unknown[] | undefined;
  drift?: unknown[] | undefined;
}

export interface StoredDelivery {
  id: number;
  duplicate: boolean;
}

/** A pending delivery a worker holds under a lease, with what ingest learned about it. */
export interface ClaimedDelivery {
  id: number;
  provider: "cronofy" | "meetingbaas";
  channel: "callback" | "webhook";
  event: string;
  subject: string | null;
  /** The body as text: ingest checked it is UTF-8 JSON before storing it as `pending`. */
  body: string;
  receivedAt: string;
}

/** Prepares the projection of a batch (storage/types.ts stays free of the projection's rules). */
export type Projector = (deliveries: ClaimedDelivery[]) => Projection;

export interface BatchOutcome {
  /** The deliveries applied (processed or failed), with when each was stored. */
  applied: { id: number; receivedAt: string }[];
  /** Held back because an earlier delivery of the same meeting is not processed yet; claimed again later. */
  deferred: number;
}

export interface DownloadJob {
  meetingId: number;
  kind: string;
  url: string;
  attempts: number;
  provider: "cronofy" | "meetingbaas";
  /** Which artifact contract, decided once by the provider module when the delivery was processed. */
  download: Download;
}

export type DownloadOutcome =
  | { kind: "downloaded"; source: string; segments: TranscriptSegment[] }
  | { kind: "expired"; error: string }
  | { kind: "broken"; error: string }
  | { kind: "retry"; error: string; attempts: number; nextAt: Date }
  | { kind: "failed"; error: string; attempts: number };

export interface MeetingFilter {
  provider?: string | undefined;
  status?: string | undefined;
  limit: number;
}

export interface DeliveryFilter {
  status?: string | undefined;
  provider?: string | undefined;
  event?: string | undefined;
  before?: number | undefined;
  limit: number;
}

export interface Counts {
  deliveries: number;
  attempts: number;
  pending: number;
  processed: number;
  /** Pending deliveries a worker holds under a live lease. */
  claimed: number;
  timeline: number;
}

/** One minute of one process's work, for the operations view. */
export interface OperationsMinute {
  minute: string;
  process: string;
  role: "ingest" | "worker";
  outcome: string;
  count: number;
  /** Workers: p99 of the lag from the 2xx to the meeting being updated, in ms. */
  lagP99Ms: number | null;
}

export interface Operations {
  queueDepth: number;
  claimed: number;
  minutes: OperationsMinute[];
}

export interface Lag {
  count: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface StoredBody {
  channel: string;
  /** RFC 3339. */
  receivedAt: string;
  body: Buffer;
}

export interface Storage {
  readonly engine: "sqlite" | "postgres";
  /** Stores a delivery; resolves after its transaction is committed durably. Concurrent calls share a commit. */
  storeDelivery(delivery: NewDelivery): Promise<StoredDelivery>;
  /** Counts a request refused as not authentic; nothing else about it is kept (committed lazily). */
  countRejection(code: string): void;
  /** How many deliveries wait; rejects when the database does not answer. */
  pendingCount(): Promise<number>;

  /** Claims up to `limit` pending deliveries in id order, skipping those another worker holds, for `leaseMs`. */
  claim(worker: string, limit: number, leaseMs: number): Promise<ClaimedDelivery[]>;
  /**
   * In one transaction: lock the batch's meetings, hold back what must wait for an earlier delivery, load the
   * meetings' current state, project, write, and mark each delivery processed (or failed) with its claim released.
   */
  applyBatch(worker: string, deliveries: ClaimedDelivery[], project: Projector): Promise<BatchOutcome>;
  /** Calls `listener` when deliveries may be waiting (after commits here, or a NOTIFY from another process). */
  onPending(listener: () => void): void;

  /** Claims due downloads for `leaseMs` (another worker skips them meanwhile). */
  claimDownloads(limit: number, leaseMs: number): Promise<DownloadJob[]>;
  finishDownload(job: DownloadJob, outcome: DownloadOutcome): Promise<void>;
  /** How many downloads are due now. */
  dueDownloads(): Promise<number>;

  listMeetings(filter: MeetingFilter): Promise<Meeting[]>;
  getMeeting(id: number): Promise<Meeting | undefined>;
  listDeliveries(filter: DeliveryFilter): Promise<Delivery[]>;
  /** The stored bodies of a provider's deliveries received at or after `since`, oldest first (for drift). */
  deliveryBodies(provider: "cronofy" | "meetingbaas", since: string | undefined): Promise<StoredBody[]>;
  rejectionCounts(): Promise<Record<string, number>>;
  counts(): Promise<Counts>;
  /** Lag from storing to processing, over the deliveries processed since `since`. */
  lag(since?: Date): Promise<Lag>;

  /** Records one minute bucket of this process's work (ingest outcomes, processed, lag). */
  recordOperations(
    process: string,
    role: "ingest" | "worker",
    rows: Omit<OperationsMinute, "process" | "role">[],
  ): Promise<void>;
  operations(sinceMinutes: number): Promise<Operations>;

  close(): Promise<void>;
}

/** The database did not answer (down, restarting, unreachable): answer 503 and let the sender retry. */
export class StorageUnavailable extends Error {
  readonly code = "storage_unavailable";
}

/** The q-quantile of ascending samples (nearest rank); 0 for none. */
export function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] as number;
}
