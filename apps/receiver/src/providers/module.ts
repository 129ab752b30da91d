// What the receiver must know of a provider, in one place per provider (providers/<provider>.ts) behind one registry
// (providers/index.ts): which events update meetings and how, which artifacts to download and
// how to fetch them, how a downloaded transcript maps to the neutral one, what an expired URL calls for, and which
// environment variables configure it. Nothing outside these modules and the registry names a provider.
import type { MeetingWebhooksOptions } from "@meeting-webhooks/receive";
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

/** One environment variable of a provider: a secret (a comma-separated list while rotating) or a key. */
export interface ProviderVariable {
  name: string;
  /** What it is, for `--help`-like messages and the README's table. */
  description: string;
  /**
   * Where its value goes in `createMeetingWebhooks`' options (a JSON pointer prefix), so that an option's
   * configuration error names the variable to fix. None: the receiver itself uses it (a download key).
   */
  pointer?: string;
  /** Used when the variable is unset and no secret is configured: development mode (logged loudly at start). */
  development?: string;
  /** Used when the provider's downloads are answered by the MSW mocks in-process (`MOCK_PROVIDERS=msw`). */
  mock?: string;
}

/** The providers' variables as configured: each name with its values (a list split on commas; empty when unset). */
export type VariableValues = Readonly<Record<string, readonly string[]>>;

export interface DownloadContext {
  fetch: FetchLike;
  variables: VariableValues;
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
  cannotDownload(variables: VariableValues): string | null;
  /**
   * What an expired URL calls for, in the artifact's error and on the dashboard's meeting page (which shows the
   * `backticked` parts as code).
   */
  freshUrlsAdvice: string;
  /** The environment variables that configure this provider. */
  variables: readonly ProviderVariable[];
  /** `createMeetingWebhooks`' options for this provider, from its variables (and the shared timestamp tolerance). */
  webhooksOptions(
    variables: VariableValues,
    shared: { toleranceSeconds: number },
  ): NonNullable<MeetingWebhooksOptions[P]>;
}

/** GET a presigned URL's JSON: a 403 is the storage refusing an expired or altered URL. */
export async function fetchPresigned(url: string, fetch: FetchLike): Promise<unknown> {
  const response = await fetch(url, { headers: { accept: "application/json" } });
  if (response.status === 403) throw new ExpiredUrl("the signed URL was refused with 403 (expired?)");
  if (!response.ok) throw new Error(`the download answered ${response.status}`);
  return response.json();
}
