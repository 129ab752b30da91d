// What the receiver must know of a provider, in one place per provider (providers/cronofy.ts, providers/meetingbaas.ts)
// behind one registry (providers/index.ts): which events update meetings and how, which artifacts to download and
// how to fetch them, how a downloaded transcript maps to the neutral one, and what an expired URL calls for. Nothing
// outside these modules and the registry names a provider.
import type { EventNameOf, KnownWebhookEvent, Provider } from "@meeting-webhooks/types";
import type { Download, Normalised, TranscriptSegment } from "./facts.js";

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

/** A signed or presigned URL the storage refused: expired (or altered). Not retried: it needs fresh URLs. */
export class ExpiredUrl extends Error {
  override name = "ExpiredUrl";
}

/** A download the provider refused for good (a wrong key): not retried. */
export class RefusedDownload extends Error {
  override name = "RefusedDownload";
}

export interface DownloadContext {
  fetch: FetchLike;
  cronofyApiKey: string | undefined;
}

export interface ProviderModule<P extends Provider = Provider> {
  provider: P;
  /** The events whose handlers update meetings: every event of the provider's contract (a test keeps it so). */
  events: readonly EventNameOf<P>[];
  /** What one typed event says about meetings and calendar events. `receivedAt` dates what the payload does not. */
  normalise(event: KnownWebhookEvent<EventNameOf<P>>, receivedAt: string): Normalised;
  /** Which artifact contracts this provider's downloads follow. */
  downloads: readonly Download[];
  /** Fetch a download's JSON (throws ExpiredUrl, RefusedDownload, or any error for a retry). */
  fetchDownload(url: string, context: DownloadContext): Promise<unknown>;
  /** A downloaded artifact, already checked against its contract, as neutral transcript segments. */
  transcriptOf(download: Download, json: unknown): TranscriptSegment[];
  /** Whether a download needs something configured first; the reason when it does (shown on the artifact). */
  cannotDownload(context: Pick<DownloadContext, "cronofyApiKey">): string | null;
  /** What an expired URL calls for, shown with the meeting. */
  freshUrlsAdvice: string;
}

/** GET a presigned URL's JSON: a 403 is the storage refusing an expired or altered URL. */
export async function fetchPresigned(url: string, fetch: FetchLike): Promise<unknown> {
  const response = await fetch(url, { headers: { accept: "application/json" } });
  if (response.status === 403) throw new ExpiredUrl("the signed URL was refused with 403 (expired?)");
  if (!response.ok) throw new Error(`the download answered ${response.status}`);
  return response.json();
}
