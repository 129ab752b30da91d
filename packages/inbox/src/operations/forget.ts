// Erase what finished deliveries say: their body, headers, issues and drift (which may quote values) and last error
// (which may too) are blanked, and the row is marked with when and why. What the row keeps (id, delivery key,
// provider, channel, event, subject, status, outcome, attempts and times) holds no one's words, and is what keeps a
// late retry of the delivery a duplicate. A delivery still in the queue (queued, running, retrying: its handler needs
// the body) is never touched, and neither is a row already forgotten, so every erasure is idempotent and two
// processes erasing at once agree without talking to each other.
import type { Database, Param, Queryable } from "../database/seam.js";
import { idOf } from "./read.js";
import { list } from "./sql.js";

export type ForgottenBy = "retention" | "request";

export interface ForgetFilter {
  /** Received before this time (a Date, or milliseconds since the epoch). */
  before?: Date | number;
  /** Of one meeting: `subjectOf` of `@meeting-webhooks/receive`, as `deliveries()` shows it. */
  subject?: string;
  /** These delivery ids. */
  ids?: readonly string[];
}

/**
 * What an app erases of its own in the same transaction as the inbox's erasure, so that its tables and the log
 * never disagree (a meeting gone while its deliveries still say what it was, or the other way round).
 */
export type AlsoErase = (tx: Queryable) => Promise<unknown>;

export interface ForgetOptions {
  /**
   * What to do when a matching delivery is still queued, running or retrying: `leave` it as it is and erase the
   * finished ones (the default), or `refuse`: erase nothing and reject with a `ForgetRefused` (`code`
   * `deliveries_pending`), for an erasure that must be whole (its handler would otherwise write again what was
   * erased).
   */
  whenPending?: "leave" | "refuse";
  /** The app's own erasure, run after the inbox's in the same transaction; when it throws, nothing is erased. */
  alsoErase?: AlsoErase;
}

/** `forget` with `whenPending: "refuse"` found deliveries still in the queue: nothing was erased. */
export class ForgetRefused extends Error {
  override name = "ForgetRefused";
  readonly code = "deliveries_pending";
  constructor(
    /** How many matching deliveries are queued, running or retrying. */
    readonly pending: number,
  ) {
    super(
      `${pending} matching deliver${pending === 1 ? "y is" : "ies are"} still queued, running or retrying: nothing was erased. Erase again once they are handled or dead.`,
    );
  }
}

/** Rows per statement: a batch's ids come back to this process, and a large erasure is many short statements. */
const batchSize = 500;

/** The conditions (`d.`-prefixed) and their parameters, numbered from `$1`; the rows still to erase. */
interface Selection {
  where: string[];
  params: Param[];
}

/**
 * Blanks at most `batchSize` finished, unforgotten rows that match `selection`; returns how many. `skipLocked` lets
 * two retention passes share the work; an erasure by request waits for rows another transaction holds instead.
 */
async function blankBatch(
  tx: Queryable,
  now: string,
  selection: Selection,
  by: ForgottenBy,
  skipLocked: string,
): Promise<number> {
  const { params } = selection;
  const at = params.length;
  const rows = await tx.query(
    `UPDATE inbox_deliveries
        SET body = $${at + 1}, headers = '{}', issues = NULL, drift = NULL, last_error = NULL,
            forgotten_at = ${now}, forgotten_by = $${at + 2}
      WHERE id IN (
              SELECT d.id FROM inbox_deliveries d
               WHERE d.outcome IS NOT NULL AND d.forgotten_at IS NULL
                 AND NOT EXISTS (SELECT 1 FROM inbox_queue q WHERE q.delivery_id = d.id)
                 ${selection.where.map((condition) => `AND ${condition}`).join(" ")}
               LIMIT ${batchSize} ${skipLocked})
        AND outcome IS NOT NULL AND forgotten_at IS NULL
      RETURNING id`,
    [...params, Buffer.alloc(0), by],
  );
  return rows.length;
}

/** How many deliveries of `selection` are still in the queue (queued, running or retrying). */
async function countPending(tx: Queryable, selection: Selection): Promise<number> {
  const [row] = await tx.query<{ n: number | string }>(
    `SELECT count(*) AS n FROM inbox_deliveries d JOIN inbox_queue q ON q.delivery_id = d.id
      WHERE ${["1 = 1", ...selection.where].join(" AND ")}`,
    selection.params,
  );
  return Number(row?.n ?? 0);
}

function selectionOf(filter: ForgetFilter): Selection {
  const where: string[] = [];
  const params: Param[] = [];
  if (filter.before !== undefined) {
    const before = filter.before instanceof Date ? filter.before.getTime() : filter.before;
    if (typeof before !== "number" || !Number.isFinite(before))
      throw new TypeError("forget: before must be a Date or milliseconds since the epoch");
    params.push(Math.floor(before));
    where.push(`d.received_at < $${params.length}`);
  }
  if (filter.subject !== undefined) {
    params.push(filter.subject);
    where.push(`d.subject = $${params.length}`);
  }
  return { where, params };
}

/**
 * Erases, in one transaction, the finished deliveries that match every field given; returns how many it blanked.
 * Throws on an empty filter, which would erase every finished delivery: say `before: new Date()` for that.
 */
export async function forget(
  db: Database,
  filter: ForgetFilter,
  options: ForgetOptions = {},
): Promise<number> {
  if (filter.before === undefined && filter.subject === undefined && filter.ids === undefined)
    throw new TypeError(
      "forget: give before, subject or ids (an empty filter would erase every finished delivery; before: new Date() does that)",
    );
  const selection = selectionOf(filter);
  const ids = filter.ids?.map(idOf).filter((id) => id !== undefined);
  const { now } = db.dialect;
  const within = (chunk: readonly number[]): Selection => ({
    where: [...selection.where, `d.id IN (${list(selection.params.length + 1, chunk.length)})`],
    params: [...selection.params, ...chunk],
  });
  return db.transaction(async (tx) => {
    if (options.whenPending === "refuse") {
      let pending = 0;
      if (ids === undefined) pending = await countPending(tx, selection);
      for (let first = 0; ids !== undefined && first < ids.length; first += batchSize)
        pending += await countPending(tx, within(ids.slice(first, first + batchSize)));
      if (pending > 0) throw new ForgetRefused(pending);
    }
    let blanked = 0;
    const erase = async (chunk: Selection) => {
      let n: number;
      do {
        n = await blankBatch(tx, now, chunk, "request", "");
        blanked += n;
      } while (n === batchSize);
    };
    if (ids === undefined) await erase(selection);
    for (let first = 0; ids !== undefined && first < ids.length; first += batchSize) {
      await erase(within(ids.slice(first, first + batchSize)));
    }
    await options.alsoErase?.(tx);
    return blanked;
  });
}

/**
 * One retention step: erases up to `batchSize` finished deliveries received before `now - maxAgeMs` by the
 * database's clock, in a transaction of its own (short: on SQLite it holds the one writer), then runs `alsoErase`
 * with that cutoff in the same transaction; returns how many rows both erased. A pass repeats it until it erases none.
 */
export async function forgetExpired(
  db: Database,
  maxAgeMs: number,
  alsoErase?: (tx: Queryable, before: number) => Promise<number>,
): Promise<number> {
  const { now, skipLocked } = db.dialect;
  return db.transaction(async (tx) => {
    // The cutoff is read once from the database's clock, so that the log and the app's tables share it exactly.
    const [clock] = await tx.query<{ now: number | string }>(`SELECT ${now} AS now`);
    const before = Number(clock?.now) - maxAgeMs;
    const blanked = await blankBatch(
      tx,
      now,
      { where: ["d.received_at < $1"], params: [before] },
      "retention",
      skipLocked,
    );
    return blanked + ((await alsoErase?.(tx, before)) ?? 0);
  });
}
