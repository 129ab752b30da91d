// Asynchronous processing from the table-backed queue: pending deliveries are normalised into meetings in one
// transaction per batch (marking them processed in the same transaction, so a crash never half-applies one), then
// transcripts are downloaded with retries and backoff. Everything resumes from the tables after a restart.
import type { CronofyEvent, MeetingBaasEvent } from "@meeting-webhooks/types";
import type { Config } from "./config.js";
import { type Db, sql } from "./db.js";
import { type ArtifactFact, type Normalised, neutralTranscript, normalise } from "./normalise.js";

const terminal = new Set(["completed", "failed"]);

interface PendingRow {
  id: number;
  provider: "cronofy" | "meetingbaas";
  channel: "callback" | "webhook";
  event: string;
  body: Buffer;
  received_at: string;
}

interface DownloadRow {
  meeting_id: number;
  kind: string;
  url: string;
  attempts: number;
  provider: string;
}

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export class Processor {
  private running = false;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private stopped = true;
  private readonly inflight = new Set<Promise<void>>();
  /** The last processing error, for logs and tests. */
  lastError: unknown;

  private sql(source: string) {
    return sql(this.db, source);
  }

  constructor(
    private readonly db: Db,
    private readonly config: Pick<Config, "cronofyApiKey" | "downloadRetryBaseMs" | "downloadAttempts">,
    private readonly fetchImpl: FetchLike = (input, init) => fetch(input, init),
    private readonly log: (message: string) => void = () => {},
  ) {}

  start(pollMs = 1000): void {
    this.stopped = false;
    this.kick();
    this.timer = setInterval(() => this.kick(), pollMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await Promise.allSettled([...this.inflight]);
  }

  private debounce: NodeJS.Timeout | undefined;

  /** Ask for a processing pass soon: coalesced, so a burst of deliveries is processed in a few batches. */
  notify(delayMs = 25): void {
    this.lastIngest = Date.now();
    this.schedule(delayMs);
  }

  private schedule(delayMs: number): void {
    if (this.debounce || this.stopped) return;
    this.debounce = setTimeout(() => {
      this.debounce = undefined;
      this.kick();
    }, delayMs);
    this.debounce.unref();
  }

  /** Ask for a processing pass now (coalesced). */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    const pass = this.pass()
      .catch((error) => {
        this.lastError = error;
        this.log(`processing failed: ${(error as Error).message}`);
      })
      .finally(() => {
        this.running = false;
        this.inflight.delete(pass);
        if (this.again && !this.stopped) {
          this.again = false;
          this.kick();
        }
      });
    this.inflight.add(pass);
  }

  /** Process until nothing is pending and no download is due now (for tests and shutdown). */
  async drain(): Promise<void> {
    for (let i = 0; i < 1000; i++) {
      await Promise.allSettled([...this.inflight]);
      await this.pass(true);
      const pending = this.sql("SELECT count(*) AS n FROM deliveries WHERE status = 'pending'").get() as {
        n: number;
      };
      const due = this.sql(
        "SELECT count(*) AS n FROM artifacts WHERE state = 'queued' AND (next_at IS NULL OR next_at <= ?)",
      ).get(new Date().toISOString()) as { n: number };
      if (pending.n === 0 && due.n === 0 && this.inflight.size === 0) return;
    }
  }

  private lastIngest = 0;
  private lastProcessed = Date.now();

  /**
   * Ingestion first: while deliveries keep arriving (one in the last 20 ms), processing waits, so the event loop
   * answers providers; it still takes a slice at least once a second, and catches up as soon as arrivals pause.
   * Batches yield to the event loop between them.
   */
  private async pass(force = false): Promise<void> {
    for (;;) {
      const now = Date.now();
      const busy = now - this.lastIngest < 20;
      if (!force && busy && now - this.lastProcessed < 1000) {
        this.schedule(25);
        break;
      }
      const processed = this.processBatch(busy && !force ? 100 : 200);
      this.lastProcessed = Date.now();
      if (processed === 0) break;
      await new Promise((resolve) => setImmediate(resolve));
    }
    await this.downloadDue();
  }

  /** Normalises up to 500 pending deliveries in one transaction; returns how many. */
  processBatch(limit = 500): number {
    const rows = this.sql(
      "SELECT id, provider, channel, event, body, received_at FROM deliveries WHERE status = 'pending' ORDER BY id LIMIT ?",
    ).all(limit) as PendingRow[];
    if (rows.length === 0) return 0;
    const now = new Date().toISOString();
    this.db.transaction(() => {
      for (const row of rows) {
        try {
          const payload = JSON.parse(row.body.toString("utf8"));
          const event = { provider: row.provider, channel: row.channel, type: row.event, payload } as
            | CronofyEvent
            | MeetingBaasEvent;
          const meetingId = this.apply(row.id, normalise(event, row.received_at), now);
          this.sql(
            "UPDATE deliveries SET status = 'processed', processed_at = ?, meeting_id = ? WHERE id = ?",
          ).run(now, meetingId, row.id);
        } catch (error) {
          this.sql("UPDATE deliveries SET status = 'failed', processed_at = ?, errors = ? WHERE id = ?").run(
            now,
            JSON.stringify([{ pointer: "/", message: `processing failed: ${(error as Error).message}` }]),
            row.id,
          );
        }
      }
    })();
    return rows.length;
  }

  private apply(deliveryId: number, facts: Normalised, now: string): number | null {
    for (const c of facts.calendarEvents ?? []) {
      this.sql(
        `INSERT INTO calendar_events (provider, event_id, title, start, end, join_url, platform, status)
           VALUES ('meetingbaas', ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (provider, event_id) DO UPDATE SET title = excluded.title, start = excluded.start,
             end = excluded.end, join_url = excluded.join_url, platform = excluded.platform, status = excluded.status`,
      ).run(c.eventId, c.title, c.start, c.end, c.joinUrl, c.platform, c.status);
    }
    const m = facts.meeting;
    if (!m) return null;
    const calendar = m.calendarEventId
      ? (this.sql(
          "SELECT title, start, end, join_url, platform FROM calendar_events WHERE provider = ? AND event_id = ?",
        ).get(m.provider, m.calendarEventId) as Record<string, string | null> | undefined)
      : undefined;
    const row = this.sql(
      `INSERT INTO meetings (provider, external_id, calendar_event_id, title, start, end, join_url, platform, status,
           duration_seconds, failure_reason, updated_at)
         VALUES (@provider, @externalId, @calendarEventId, @title, @start, @end, @joinUrl, @platform, 'scheduled',
           @durationSeconds, @failureReason, @now)
         ON CONFLICT (provider, external_id) DO UPDATE SET
           calendar_event_id = coalesce(excluded.calendar_event_id, calendar_event_id),
           title = coalesce(excluded.title, title), start = coalesce(excluded.start, start),
           end = coalesce(excluded.end, end), join_url = coalesce(excluded.join_url, join_url),
           platform = coalesce(excluded.platform, platform),
           duration_seconds = coalesce(excluded.duration_seconds, duration_seconds),
           failure_reason = coalesce(excluded.failure_reason, failure_reason), updated_at = excluded.updated_at
         RETURNING id`,
    ).get({
      provider: m.provider,
      externalId: m.externalId,
      calendarEventId: m.calendarEventId ?? null,
      title: m.title ?? calendar?.title ?? null,
      start: m.start ?? calendar?.start ?? null,
      end: m.end ?? calendar?.end ?? null,
      joinUrl: m.joinUrl ?? calendar?.join_url ?? null,
      platform: m.platform ?? calendar?.platform ?? null,
      durationSeconds: m.durationSeconds ?? null,
      failureReason: m.failureReason ?? null,
      now,
    }) as { id: number };
    const meetingId = row.id;
    if (facts.timeline) {
      const t = facts.timeline;
      this.sql(
        "INSERT OR IGNORE INTO timeline (meeting_id, delivery_id, at, status, provider_status, detail) VALUES (?, ?, ?, ?, ?, ?)",
      ).run(meetingId, deliveryId, t.at, t.status, t.providerStatus, t.detail);
      this.updateStatus(meetingId, t);
    }
    for (const p of facts.participants ?? []) {
      this.sql(
        "INSERT INTO participants (meeting_id, name, speaker) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET speaker = max(speaker, excluded.speaker)",
      ).run(meetingId, p.name, p.speaker ? 1 : 0);
    }
    for (const a of facts.artifacts ?? []) this.upsertArtifact(meetingId, a, m.provider);
    return meetingId;
  }

  /**
   * The meeting's status after a new timeline entry: deliveries arrive out of order, so an entry only wins when it
   * is newer than the current status, and a terminal status (completed, failed) only yields to a newer terminal one.
   */
  private updateStatus(meetingId: number, entry: { at: string; status: string }): void {
    const current = this.sql("SELECT status, status_at FROM meetings WHERE id = ?").get(meetingId) as
      | { status: string; status_at: string | null }
      | undefined;
    if (!current) return;
    const newer = current.status_at === null || Date.parse(entry.at) >= Date.parse(current.status_at);
    const currentTerminal = current.status_at !== null && terminal.has(current.status);
    const wins = terminal.has(entry.status) ? newer || !currentTerminal : newer && !currentTerminal;
    if (wins)
      this.sql("UPDATE meetings SET status = ?, status_at = ? WHERE id = ?").run(
        entry.status,
        entry.at,
        meetingId,
      );
  }

  private upsertArtifact(meetingId: number, artifact: ArtifactFact, provider: string): void {
    let state = "available";
    let error: string | null = null;
    if (artifact.download === "meetingbaas-transcription") state = "queued";
    if (artifact.download === "cronofy-transcript") {
      if (this.config.cronofyApiKey) state = "queued";
      else error = "set CRONOFY_API_KEY to download Cronofy transcripts";
    }
    // A new delivery (retry-callback) brings fresh signed URLs: take them and try again.
    this.sql(
      `INSERT INTO artifacts (meeting_id, kind, url, state, attempts, error) VALUES (?, ?, ?, ?, 0, ?)
         ON CONFLICT (meeting_id, kind) DO UPDATE SET url = excluded.url,
           state = CASE WHEN state = 'downloaded' AND url = excluded.url THEN state ELSE excluded.state END,
           attempts = CASE WHEN url = excluded.url THEN attempts ELSE 0 END, error = excluded.error, next_at = NULL`,
    ).run(meetingId, artifact.kind, artifact.url, state, error);
    if (provider === "meetingbaas" && state === "queued") {
      this.sql("UPDATE meetings SET needs_retry_callback = 0 WHERE id = ?").run(meetingId);
    }
  }

  private async downloadDue(): Promise<void> {
    const due = this.sql(
      `SELECT a.meeting_id, a.kind, a.url, a.attempts, m.provider FROM artifacts a JOIN meetings m ON m.id = a.meeting_id
         WHERE a.state = 'queued' AND (a.next_at IS NULL OR a.next_at <= ?) LIMIT 50`,
    ).all(new Date().toISOString()) as DownloadRow[];
    const queue = [...due];
    const worker = async () => {
      for (let row = queue.shift(); row; row = queue.shift()) await this.download(row);
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
  }

  private async download(row: DownloadRow): Promise<void> {
    const source = row.provider === "cronofy" ? "cronofy-transcript" : "meetingbaas-transcription";
    try {
      const json =
        row.provider === "cronofy"
          ? await this.fetchCronofyResource(row.url)
          : await this.fetchSigned(row.url);
      const segments = neutralTranscript(source, json);
      const now = new Date().toISOString();
      this.db.transaction(() => {
        this.sql(
          "INSERT INTO transcripts (meeting_id, source, segments, fetched_at) VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET source = excluded.source, segments = excluded.segments, fetched_at = excluded.fetched_at",
        ).run(row.meeting_id, source, JSON.stringify(segments), now);
        this.sql(
          "UPDATE artifacts SET state = 'downloaded', error = NULL, attempts = attempts + 1 WHERE meeting_id = ? AND kind = ?",
        ).run(row.meeting_id, row.kind);
      })();
    } catch (error) {
      const message = (error as Error).message;
      if (error instanceof ExpiredUrl) {
        this.db.transaction(() => {
          this.sql(
            "UPDATE artifacts SET state = 'expired', error = ?, attempts = attempts + 1 WHERE meeting_id = ? AND kind = ?",
          ).run(message, row.meeting_id, row.kind);
          this.sql("UPDATE meetings SET needs_retry_callback = 1 WHERE id = ?").run(row.meeting_id);
        })();
        this.log(
          `meeting ${row.meeting_id}: ${row.kind} URL expired; ask Meeting BaaS for fresh URLs with retry-callback`,
        );
        return;
      }
      const attempts = row.attempts + 1;
      const exhausted = attempts >= this.config.downloadAttempts;
      const nextAt = new Date(
        Date.now() + this.config.downloadRetryBaseMs * 2 ** (attempts - 1),
      ).toISOString();
      this.sql(
        "UPDATE artifacts SET state = ?, attempts = ?, next_at = ?, error = ? WHERE meeting_id = ? AND kind = ?",
      ).run(
        exhausted ? "failed" : "queued",
        attempts,
        exhausted ? null : nextAt,
        message,
        row.meeting_id,
        row.kind,
      );
      if (!exhausted) {
        const retry = setTimeout(
          () => this.kick(),
          this.config.downloadRetryBaseMs * 2 ** (attempts - 1) + 5,
        );
        retry.unref();
      }
    }
  }

  /** Cronofy: `GET {url}` with the API key answers 302 with `{resource: {download_url}}`; then fetch that. */
  private async fetchCronofyResource(url: string): Promise<unknown> {
    const first = await this.fetchImpl(url, {
      headers: { authorization: `Bearer ${this.config.cronofyApiKey}`, accept: "application/json" },
      redirect: "manual",
    });
    if (first.status === 401 || first.status === 403)
      throw new Error(`Cronofy refused the API key (${first.status})`);
    let target: string | undefined;
    if (first.status >= 300 && first.status < 400) {
      const body = (await first.json().catch(() => undefined)) as
        | { resource?: { download_url?: string } }
        | undefined;
      target = body?.resource?.download_url ?? first.headers.get("location") ?? undefined;
    } else if (first.ok) {
      return first.json();
    }
    if (!target) throw new Error(`Cronofy answered ${first.status} without a download_url`);
    return this.fetchSigned(target);
  }

  private async fetchSigned(url: string): Promise<unknown> {
    const response = await this.fetchImpl(url, { headers: { accept: "application/json" } });
    if (response.status === 403) throw new ExpiredUrl(`signed URL refused with 403 (expired after 4 hours?)`);
    if (!response.ok) throw new Error(`download answered ${response.status}`);
    return response.json();
  }
}

class ExpiredUrl extends Error {}
