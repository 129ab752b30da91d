// Downloads of the artifacts the projection queued: fetch (Cronofy through the API with the key, Meeting BaaS
// through the signed URL), check the JSON against the artifact contract, and record the outcome: the transcript,
// an expired URL (the meeting needs fresh URLs: GET /v2/bots/{bot_id} or a retry-callback), a broken artifact, or
// a retry with backoff.
import type { Config } from "./config.js";
import { neutralTranscript } from "./providers/index.js";
import type { DownloadJob, DownloadOutcome, Storage } from "./storage/types.js";

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

class ExpiredUrl extends Error {}

export class Downloader {
  constructor(
    private readonly storage: Storage,
    private readonly config: Pick<Config, "cronofyApiKey" | "downloadRetryBaseMs" | "downloadAttempts">,
    private readonly fetchImpl: FetchLike = (input, init) => fetch(input, init),
    private readonly log: (message: string) => void = () => {},
    /** Called when a retry falls due. */
    private readonly wake: (afterMs: number) => void = () => {},
  ) {}

  /** Downloads what is due now, four at a time; returns how many were tried. */
  async runDue(leaseMs = 60_000): Promise<number> {
    const due = await this.storage.claimDownloads(50, leaseMs);
    const queue = [...due];
    const worker = async () => {
      for (let job = queue.shift(); job; job = queue.shift())
        await this.storage.finishDownload(job, await this.download(job));
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    return due.length;
  }

  async download(job: DownloadJob): Promise<DownloadOutcome> {
    const source = job.download;
    try {
      const json =
        job.provider === "cronofy"
          ? await this.fetchCronofyResource(job.url)
          : await this.fetchSigned(job.url);
      const transcript = neutralTranscript(source, json);
      if (!transcript.ok) {
        this.log(`meeting ${job.meetingId}: ${transcript.error}`);
        return { kind: "broken", error: transcript.error };
      }
      return { kind: "downloaded", source, segments: transcript.segments };
    } catch (error) {
      const message = (error as Error).message;
      if (error instanceof ExpiredUrl) {
        this.log(
          `meeting ${job.meetingId}: ${job.kind} URL expired; fresh URLs come from Meeting BaaS GET /v2/bots/{bot_id} (or a retry-callback)`,
        );
        return { kind: "expired", error: message };
      }
      const attempts = job.attempts + 1;
      if (attempts >= this.config.downloadAttempts) return { kind: "failed", error: message, attempts };
      const delay = this.config.downloadRetryBaseMs * 2 ** (attempts - 1);
      this.wake(delay + 5);
      return { kind: "retry", error: message, attempts, nextAt: new Date(Date.now() + delay) };
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
    if (response.status === 403) throw new ExpiredUrl("signed URL refused with 403 (expired after 4 hours?)");
    if (!response.ok) throw new Error(`download answered ${response.status}`);
    return response.json();
  }
}
