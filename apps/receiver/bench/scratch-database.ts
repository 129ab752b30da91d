// PostgreSQL for one run: a scratch database created at the start and dropped (with whatever is still connected to
// it) at the end, so that its commit counter counts this run's targets alone, whatever else the server is doing.
import { randomBytes } from "node:crypto";
import pg from "pg";

export interface ScratchDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** Resolves when the server answers a query, rejects with its error otherwise. */
export async function checkPostgres(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
  } finally {
    await client.end().catch(() => {});
  }
}

export async function createScratchDatabase(serverUrl: string): Promise<ScratchDatabase> {
  const name = `bench_${randomBytes(4).toString("hex")}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), name, drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/** Where the commits went while a target was loaded. */
export interface CommitWindow {
  /** Seconds of load. */
  seconds: number;
  /** Commits in the scratch database during the load and the settling second after it. */
  commits: number;
  /** Rows stored in the target's table meanwhile (received_at inside the span). */
  rows: number;
  /** The receiver: deliveries handled (finished_at) while the load lasted. */
  handled?: number;
}

/** A backend reports its counts when it goes idle, at most once a second: this long after, they are all in. */
const statsSettleMs = 1200;

/**
 * Samples the scratch database's commit counter and clock before the load and again once the counts of its last
 * commits are in. Nothing else writes to the scratch database, and the target before was left idle, so the
 * difference is this target's commits (for the receiver, with the handling it did in the settling second).
 */
export async function measureCommits(
  url: string,
  table: "inbox_deliveries" | "peer_deliveries",
  seconds: number,
  start: () => Promise<unknown>,
): Promise<CommitWindow> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const sample = async () => {
      const { rows } = await client.query<{ commits: string; now_ms: string }>(
        `SELECT xact_commit::text AS commits, (extract(epoch FROM clock_timestamp()) * 1000)::bigint::text AS now_ms
           FROM pg_stat_database WHERE datname = current_database()`,
      );
      const row = rows[0] as { commits: string; now_ms: string };
      return { commits: Number(row.commits), nowMs: Number(row.now_ms) };
    };
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    await sleep(statsSettleMs);
    const first = await sample();
    await start();
    const loadEnded = await sample();
    await sleep(statsSettleMs);
    const last = await sample();
    const count = async (sql: string, to: number) =>
      Number((await client.query<{ n: string }>(sql, [first.nowMs, to])).rows[0]?.n ?? 0);
    const rows = await count(
      `SELECT count(*)::text AS n FROM ${table} WHERE received_at >= $1 AND received_at < $2`,
      last.nowMs,
    );
    const handled =
      table === "inbox_deliveries"
        ? await count(
            `SELECT count(*)::text AS n FROM inbox_deliveries WHERE outcome = 'handled' AND finished_at >= $1 AND finished_at < $2`,
            loadEnded.nowMs,
          )
        : undefined;
    return {
      seconds,
      // The three sampling queries are commits of their own.
      commits: last.commits - first.commits - 2,
      rows,
      ...(handled === undefined ? {} : { handled }),
    };
  } finally {
    await client.end();
  }
}

/** The processing lag (finished_at − received_at, ms) of the deliveries received since `sinceMs` and handled. */
export async function postgresLags(url: string, sinceMs: number): Promise<number[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ ms: string }>(
      "SELECT (finished_at - received_at)::text AS ms FROM inbox_deliveries WHERE outcome = 'handled' AND received_at >= $1",
      [sinceMs],
    );
    return rows.map((r) => Number(r.ms));
  } finally {
    await client.end();
  }
}

/** pgbench's payload: the one row it copies per transaction, the same body and headers the peer stores. */
export async function fillPgbenchPayload(
  url: string,
  schema: string,
  payload: { event: string; subject: string; headers: string; body: string },
): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(schema);
    await client.query("DELETE FROM peer_payload");
    await client.query("INSERT INTO peer_payload (event, subject, headers, body) VALUES ($1, $2, $3, $4)", [
      payload.event,
      payload.subject,
      payload.headers,
      Buffer.from(payload.body),
    ]);
  } finally {
    await client.end();
  }
}
