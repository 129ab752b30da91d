// What the read API shows: deliveries with their state, one delivery with its stored bytes, and counts. The state
// is derived in one expression from the log's final outcome and the queue row, never stored twice.
import type { Database, Param } from "../database/seam.js";
import type { ForgottenBy } from "./forget.js";

export type DeliveryState = "queued" | "running" | "retrying" | "handled" | "dead";
export type DeliveryStatus = "accepted" | "unknown" | "quarantined";

export interface DeliveryRecord {
  id: string;
  deliveryKey: string;
  provider: string;
  channel: string;
  event: string | null;
  subject: string | null;
  /** What checking it against the contract said when it arrived. */
  status: DeliveryStatus;
  /**
   * `queued` waits for its first run; `running` is held under a live lease; `retrying` failed (or its process
   * stopped) and waits for its next run; `handled` and `dead` are final.
   */
  state: DeliveryState;
  /** Runs started so far. */
  attempts: number;
  lastError: string | null;
  receivedAt: Date;
  /** When it may run next (queued and retrying), null once it is final. */
  runAt: Date | null;
  finishedAt: Date | null;
  /** Why it broke its contract (quarantined); empty once forgotten. */
  issues: unknown[];
  /** What the contract does not know yet (accepted); empty once forgotten. */
  drift: unknown[];
  /**
   * When and why its contents (body, headers, issues, drift, last error) were erased: by the `retention` option, or
   * by a `request` (`forget`). Null while they are kept.
   */
  forgotten: Forgotten | null;
}

export interface Forgotten {
  at: Date;
  by: ForgottenBy;
}

/** One delivery with what it said: its headers and raw body, or, once forgotten, neither. */
export type DeliveryDetail = DeliveryRecord &
  (
    | {
        forgotten: null;
        /** The headers kept to verify it again (never a secret). */
        headers: Record<string, string>;
        /** The raw bytes as received. */
        body: Buffer;
      }
    | { forgotten: Forgotten; headers: null; body: null }
  );

export interface DeliveryFilter {
  state?: DeliveryState;
  status?: DeliveryStatus;
  provider?: string;
  event?: string;
  subject?: string;
  /** Only deliveries with a smaller id: the next page after the last one shown. */
  before?: string;
  /** At most this many, newest first (default 50, at most 1000). */
  limit?: number;
}

/**
 * What metrics scrape: the queue's states from the queue table, and the deliveries waiting for a person from two
 * partial indexes, so the cost follows the queue, not the log. How many were handled is a counter, not a state:
 * count the observer's `handled` calls.
 */
export interface InboxCounts {
  queued: number;
  running: number;
  retrying: number;
  /** Dead and not re-queued: each waits for a person (`retry(id)`). */
  dead: number;
  /** Every delivery kept because it broke its contract, handled or not, forgotten or not. */
  quarantined: number;
}

function stateSql(now: string): string {
  return `CASE WHEN d.outcome IS NOT NULL THEN d.outcome
               WHEN q.lease_until >= ${now} THEN 'running'
               WHEN q.attempts > 0 THEN 'retrying'
               ELSE 'queued' END`;
}

/** Each state as a condition, so that a filter can use the queue's and the log's indexes. */
function stateCondition(state: DeliveryState, now: string): string {
  switch (state) {
    case "handled":
    case "dead":
      return `d.outcome = '${state}'`;
    case "running":
      return `q.lease_until >= ${now}`;
    case "retrying":
      return `q.attempts > 0 AND (q.lease_until IS NULL OR q.lease_until < ${now})`;
    case "queued":
      return `q.attempts = 0 AND (q.lease_until IS NULL OR q.lease_until < ${now})`;
  }
}

interface Row {
  id: number;
  delivery_key: string;
  provider: string;
  channel: string;
  event: string | null;
  subject: string | null;
  status: DeliveryStatus;
  state: DeliveryState;
  attempts: number | null;
  last_error: string | null;
  received_at: number;
  run_at: number | null;
  finished_at: number | null;
  issues: string | null;
  drift: string | null;
  forgotten_at: number | null;
  forgotten_by: ForgottenBy | null;
}

const selected = (now: string) =>
  `SELECT d.id, d.delivery_key, d.provider, d.channel, d.event, d.subject, d.status, ${stateSql(now)} AS state,
          coalesce(q.attempts, d.attempts, 0) AS attempts, coalesce(q.last_error, d.last_error) AS last_error,
          d.received_at, q.run_at, d.finished_at, d.issues, d.drift, d.forgotten_at, d.forgotten_by`;

function recordOf(row: Row): DeliveryRecord {
  const date = (ms: number | null) => (ms === null ? null : new Date(Number(ms)));
  return {
    id: String(row.id),
    deliveryKey: row.delivery_key,
    provider: row.provider,
    channel: row.channel,
    event: row.event,
    subject: row.subject,
    status: row.status,
    state: row.state,
    attempts: Number(row.attempts ?? 0),
    lastError: row.last_error,
    receivedAt: new Date(Number(row.received_at)),
    runAt: date(row.run_at),
    finishedAt: date(row.finished_at),
    issues: row.issues ? JSON.parse(row.issues) : [],
    drift: row.drift ? JSON.parse(row.drift) : [],
    forgotten:
      row.forgotten_at === null
        ? null
        : { at: new Date(Number(row.forgotten_at)), by: row.forgotten_by ?? "request" },
  };
}

/** A delivery id as the API shows it (a decimal string), or undefined for anything else. */
export function idOf(id: string): number | undefined {
  return /^[1-9][0-9]{0,15}$/.test(id) ? Number(id) : undefined;
}

export async function listDeliveries(db: Database, filter: DeliveryFilter = {}): Promise<DeliveryRecord[]> {
  const { now } = db.dialect;
  const where: string[] = [];
  const params: Param[] = [];
  const equal = (column: string, value: string | number) => {
    params.push(value);
    where.push(`${column} = $${params.length}`);
  };
  if (filter.state) where.push(stateCondition(filter.state, now));
  if (filter.status) equal("d.status", filter.status);
  if (filter.provider) equal("d.provider", filter.provider);
  if (filter.event) equal("d.event", filter.event);
  if (filter.subject) equal("d.subject", filter.subject);
  if (filter.before !== undefined) {
    params.push(idOf(filter.before) ?? 0);
    where.push(`d.id < $${params.length}`);
  }
  params.push(Math.max(1, Math.min(1000, Math.floor(filter.limit ?? 50))));
  const rows = await db.query<Row>(
    `${selected(now)}
       FROM inbox_deliveries d LEFT JOIN inbox_queue q ON q.delivery_id = d.id
      ${where.length > 0 ? `WHERE ${where.join(" AND ")}` : ""}
      ORDER BY d.id DESC LIMIT $${params.length}`,
    params,
  );
  return rows.map(recordOf);
}

export async function getDelivery(db: Database, id: string): Promise<DeliveryDetail | undefined> {
  const key = idOf(id);
  if (key === undefined) return undefined;
  const [row] = await db.query<Row & { headers: string; body: Buffer }>(
    `${selected(db.dialect.now)}, d.headers, d.body
       FROM inbox_deliveries d LEFT JOIN inbox_queue q ON q.delivery_id = d.id WHERE d.id = $1`,
    [key],
  );
  if (!row) return undefined;
  const record = recordOf(row);
  return record.forgotten
    ? { ...record, forgotten: record.forgotten, headers: null, body: null }
    : { ...record, forgotten: null, headers: JSON.parse(row.headers), body: row.body };
}

/** The counting statement: the queue table, and the log only through its partial indexes `_dead` and `_quarantined`. */
export function countsSql(now: string): string {
  return `SELECT
       (SELECT count(*) FROM inbox_queue q WHERE ${stateCondition("queued", now)}) AS queued,
       (SELECT count(*) FROM inbox_queue q WHERE ${stateCondition("running", now)}) AS running,
       (SELECT count(*) FROM inbox_queue q WHERE ${stateCondition("retrying", now)}) AS retrying,
       (SELECT count(*) FROM inbox_deliveries d WHERE ${stateCondition("dead", now)}) AS dead,
       (SELECT count(*) FROM inbox_deliveries d WHERE d.status = 'quarantined') AS quarantined`;
}

export async function countDeliveries(db: Database): Promise<InboxCounts> {
  const [row] = await db.query<Record<keyof InboxCounts, number>>(countsSql(db.dialect.now));
  const counts = row as Record<keyof InboxCounts, number>;
  return Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, Number(v)])) as unknown as InboxCounts;
}

/** How many deliveries are still to handle (waiting, retrying or running). */
export async function queueLength(db: Database): Promise<number> {
  const [row] = await db.query<{ n: number }>("SELECT count(*) AS n FROM inbox_queue");
  return Number(row?.n ?? 0);
}
