// Presigned object-storage URLs as the providers hand them out: `X-Amz-*` query parameters, a validity window from
// `X-Amz-Date`. The signature is random hex (nothing here can sign for a real bucket); the mocks check the window.
import { apiRoutes } from "../contract.gen.js";
import type { Random } from "../random.js";
import { amzDate } from "./options.js";

/** Where Meeting BaaS's signed artifact URLs point, read from `specs/meetingbaas/api.yaml`. */
export const meetingBaasArtifactHost: string = apiRoutes.meetingBaasDownloadTranscription.servers[0];
/** The stand-in host of Cronofy's presigned download URLs, read from `specs/cronofy/api.yaml`. */
export const cronofyDownloadHost: string = apiRoutes.cronofyDownloadTranscript.servers[0];
/** Meeting BaaS artifact URLs are valid for 4 hours. */
export const meetingBaasUrlLifetimeSeconds = 14_400;
/** Cronofy's download URLs are short-lived; the exact lifetime is not documented. */
export const cronofyUrlLifetimeSeconds = 300;

function regionOf(host: string): string {
  return /\.s3\.([a-z0-9-]+)\.amazonaws\.com/.exec(host)?.[1] ?? "us-east-1";
}

export function presignedUrl(
  host: string,
  path: string,
  signedAt: number,
  lifetimeSeconds: number,
  random: Random,
): string {
  const date = amzDate(signedAt);
  const params = new URLSearchParams({
    "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
    "X-Amz-Credential": `AKIA${random.alphanumeric(16).toUpperCase()}/${date.slice(0, 8)}/${regionOf(host)}/s3/aws4_request`,
    "X-Amz-Date": date,
    "X-Amz-Expires": String(lifetimeSeconds),
    "X-Amz-SignedHeaders": "host",
    "X-Amz-Signature": random.hex(64),
  });
  return `${host}${path}?${params.toString()}`;
}

/** When a presigned URL stops working (ms since the epoch), or undefined when it is not one. */
export function presignedUrlExpiry(url: URL): number | undefined {
  const date = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(
    url.searchParams.get("X-Amz-Date") ?? "",
  );
  const expires = Number(url.searchParams.get("X-Amz-Expires"));
  if (
    !date ||
    !Number.isFinite(expires) ||
    !/^[0-9a-f]{64}$/.test(url.searchParams.get("X-Amz-Signature") ?? "")
  )
    return undefined;
  const [, y, mo, d, h, mi, s] = date.map(Number) as number[];
  return Date.UTC(y as number, (mo as number) - 1, d, h, mi, s) + expires * 1000;
}
