// Signature verification for the three schemes, always over the raw bytes as received and in constant time.
export type { VerifyFailure, VerifyFailureCode, VerifyResult, VerifySuccess } from "./verify-error.js";

import { createHash, createHmac, createSecretKey, type KeyObject, timingSafeEqual } from "node:crypto";
import { type Body, bodyBytes, type HeadersLike, headerValue } from "./headers.js";
import {
  failure,
  mismatchHint,
  secretList,
  secretsWithWhitespace,
  type VerifyResult,
} from "./verify-error.js";

export const cronofySignatureHeader = "Cronofy-HMAC-SHA256";

/**
 * Equality of two signatures as base64 text (`b` read from `offset`, for an entry inside a header), in time that
 * depends only on the length (which is public: 44
 * characters for HMAC-SHA256). Comparing the text, not decoded bytes, refuses non-canonical encodings as the
 * reference library does; no allocation, unlike converting both to Buffers for crypto.timingSafeEqual.
 */
export function constantTimeEqual(a: string, b: string, offset = 0): boolean {
  if (offset === 0 && a.length !== b.length) return false;
  if (offset + a.length > b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(offset + i);
  return difference === 0;
}
export const meetingBaasSecretHeader = "x-mb-secret";
export const svixHeaders = {
  id: "svix-id",
  timestamp: "svix-timestamp",
  signature: "svix-signature",
} as const;
/** The Standard Webhooks default, which Svix uses too. */
export const defaultToleranceSeconds = 300;

export interface CronofyVerifyOptions {
  body: Body;
  headers: HeadersLike;
  /** The application's client secret, or several while rotating. */
  secrets: string | readonly string[] | undefined;
}

/** Checks one delivery's body and headers with keys prepared once. */
export type DeliveryVerifier = (body: Body, headers: HeadersLike) => VerifyResult;

/**
 * `Cronofy-HMAC-SHA256` is Base64(HMAC-SHA256(body, client secret)); while several client secrets are active it is
 * a comma-separated list with one entry per secret. Authentic when any entry matches any configured secret.
 * The secrets become HMAC keys once, here; the returned function only hashes the body.
 */
export function createCronofyVerifier(secrets: string | readonly string[] | undefined): DeliveryVerifier {
  const configured = secretList(secrets);
  const keys = configured.map((secret) => createSecretKey(Buffer.from(secret, "utf8")));
  return (body, headers) => {
    if (keys.length === 0) {
      return failure(
        "no_secret_configured",
        "No Cronofy client secret is configured, so no delivery can be verified.",
      );
    }
    const header = headerValue(headers, cronofySignatureHeader);
    if (header === undefined || header.trim() === "") {
      return failure(
        "missing_signature",
        `The ${cronofySignatureHeader} header is missing: the request did not come from Cronofy, or a proxy dropped it.`,
      );
    }
    const entries: string[] = [];
    for (const raw of header.split(",")) {
      const entry = raw.trim();
      // A junk entry of the right length cannot match, so the shape check stays this cheap.
      if (entry.length === 44 && entry.charCodeAt(43) === 61) entries.push(entry);
    }
    if (entries.length === 0) {
      return failure(
        "malformed_signature",
        `The ${cronofySignatureHeader} header holds no Base64 HMAC-SHA256 value (expected 44 characters per entry, comma-separated).`,
      );
    }
    const bytes = bodyBytes(body);
    for (let index = 0; index < keys.length; index++) {
      const digest = createHmac("sha256", keys[index] as KeyObject)
        .update(bytes)
        .digest("base64");
      for (const entry of entries) {
        if (constantTimeEqual(digest, entry)) return { ok: true, secretIndex: index };
      }
    }
    return failure(
      "signature_mismatch",
      `None of the ${entries.length} ${cronofySignatureHeader} value(s) matches the body with any of the ${keys.length} configured client secret(s). ${mismatchHint(configured)}`,
    );
  };
}

/** One-off form of `createCronofyVerifier`: prepares the keys on every call. */
export function verifyCronofySignature(options: CronofyVerifyOptions): VerifyResult {
  return createCronofyVerifier(options.secrets)(options.body, options.headers);
}

export interface MeetingBaasCallbackVerifyOptions {
  headers: HeadersLike;
  /** The secret(s) given to Meeting BaaS when creating bots (sent back verbatim in `x-mb-secret`). */
  secrets: string | readonly string[] | undefined;
}

function sha256(value: string): Buffer {
  return createHash("sha256").update(value, "utf8").digest();
}

/**
 * Meeting BaaS bot callbacks carry the configured secret verbatim in `x-mb-secret`. Both sides are hashed before
 * the constant-time comparison so that neither the secret's length nor its content leaks through timing; the
 * configured secrets are hashed once, here, and only the received header per delivery.
 */
export function createMeetingBaasCallbackVerifier(
  secrets: string | readonly string[] | undefined,
): (headers: HeadersLike) => VerifyResult {
  const configured = secretList(secrets);
  const digests = configured.map(sha256);
  const spaced = secretsWithWhitespace(configured);
  return (headers) => {
    if (digests.length === 0) {
      return failure(
        "no_secret_configured",
        "No Meeting BaaS callback secret is configured, so no callback can be verified.",
      );
    }
    const header = headerValue(headers, meetingBaasSecretHeader);
    if (header === undefined || header === "") {
      return failure(
        "missing_signature",
        `The ${meetingBaasSecretHeader} header is missing: the bot was created without a callback secret, or the request did not come from Meeting BaaS.`,
      );
    }
    const received = sha256(header);
    for (let index = 0; index < digests.length; index++) {
      if (timingSafeEqual(received, digests[index] as Buffer)) return { ok: true, secretIndex: index };
    }
    return failure(
      "signature_mismatch",
      `The ${meetingBaasSecretHeader} header matches none of the ${digests.length} configured callback secret(s). Usual causes: ${
        spaced.length > 0 ? `configured secret ${spaced.join(", ")} has leading or trailing whitespace; ` : ""
      }the bot was created with another secret (each bot keeps the secret it was created with); the secret of another environment.`,
    );
  };
}

/** One-off form of `createMeetingBaasCallbackVerifier`. */
export function verifyMeetingBaasCallback(options: MeetingBaasCallbackVerifyOptions): VerifyResult {
  return createMeetingBaasCallbackVerifier(options.secrets)(options.headers);
}

export interface StandardWebhookVerifyOptions {
  body: Body;
  headers: HeadersLike;
  /** The endpoint's signing secret(s), `whsec_…`; several while rotating. */
  secrets: string | readonly string[] | undefined;
  /** How far the delivery's timestamp may be from now, in seconds (default 300). */
  toleranceSeconds?: number;
  /** The clock, in milliseconds since the epoch (default `Date.now`). */
  now?: () => number;
}

const whsecPattern = /^(?:whsec_)?([A-Za-z0-9+/]+={0,2})$/;

/** The HMAC key of a signing secret (the base64 part of `whsec_…`), or undefined when it is not one. */
export function webhookSigningKey(secret: string): KeyObject | undefined {
  const match = whsecPattern.exec(secret);
  const raw = match ? Buffer.from(match[1] as string, "base64") : undefined;
  return raw && raw.length > 0 ? createSecretKey(raw) : undefined;
}

/**
 * The timestamp check, made after the signature matched: a failure here means an authentic delivery that is too
 * old or too new (a replay, a long queue, or a skewed clock), never a forgery.
 */
function withinTolerance(
  timestamp: number,
  tolerance: number,
  clock: () => number,
): VerifyResult | undefined {
  const now = Math.floor(clock() / 1000);
  const skew = now - timestamp;
  if (Math.abs(skew) <= tolerance) return undefined;
  return failure(
    "timestamp_out_of_tolerance",
    `The signature matches, but svix-timestamp ${new Date(timestamp * 1000).toISOString()} is ${Math.abs(skew)} s ${
      skew > 0 ? "in the past" : "in the future"
    }, outside the ${tolerance} s tolerance. Usual causes: a replayed or long-queued delivery; this server's clock is off.`,
  );
}

/**
 * Meeting BaaS account webhooks, delivered by Svix: `svix-signature` holds space-separated `v1,<base64>` HMACs of
 * `{svix-id}.{svix-timestamp}.{body}` keyed with the base64 part of the `whsec_…` secret.
 *
 * The scheme is implemented here on node:crypto, and the tests prove it accepts and refuses exactly what the
 * Standard Webhooks reference library (`standardwebhooks`) does. That library hashes in JavaScript (4–9× the cost
 * of one HMAC here, see the benchmark), decodes the body to text before hashing (so bodies that differ only in
 * invalid UTF-8 bytes share a signature), has a fixed tolerance and clock, and throws untyped errors.
 */
export function createStandardWebhookVerifier(
  options: Omit<StandardWebhookVerifyOptions, "body" | "headers">,
): DeliveryVerifier {
  const configured = secretList(options.secrets);
  const keys = configured.map(webhookSigningKey);
  const usable = keys.filter((key) => key !== undefined).length;
  const tolerance = options.toleranceSeconds ?? defaultToleranceSeconds;
  const clock = options.now ?? Date.now;
  return (body, headers) => {
    if (configured.length === 0) {
      return failure(
        "no_secret_configured",
        "No Meeting BaaS webhook signing secret (whsec_…) is configured, so no account webhook can be verified.",
      );
    }
    const id = headerValue(headers, svixHeaders.id) ?? headerValue(headers, "webhook-id");
    const timestamp =
      headerValue(headers, svixHeaders.timestamp) ?? headerValue(headers, "webhook-timestamp");
    const signature =
      headerValue(headers, svixHeaders.signature) ?? headerValue(headers, "webhook-signature");
    if (!signature) {
      return failure(
        "missing_signature",
        "The svix-signature header is missing: the request did not come from Svix, or a proxy dropped it.",
      );
    }
    if (!id || !timestamp) {
      return failure(
        "missing_header",
        `The ${!id ? "svix-id" : "svix-timestamp"} header is missing; Svix always sends svix-id, svix-timestamp and svix-signature together.`,
      );
    }
    if (!/^(?:0|[1-9]\d{0,11})$/.test(timestamp)) {
      return failure(
        "malformed_timestamp",
        `svix-timestamp must be whole seconds since the epoch, got ${JSON.stringify(timestamp.slice(0, 40))}.`,
      );
    }
    // Compared as base64 text, as the scheme's reference library does: no lenient decoding of odd encodings. The
    // entries are found by offset in the header (`v1,` + 44 characters), without splitting it into new strings.
    const offsets: number[] = [];
    for (let start = 0; start < signature.length; ) {
      const space = signature.indexOf(" ", start);
      const end = space === -1 ? signature.length : space;
      if (end - start === 47 && signature.startsWith("v1,", start)) offsets.push(start + 3);
      start = end + 1;
    }
    if (offsets.length === 0) {
      return failure(
        "malformed_signature",
        "svix-signature holds no `v1,<base64>` entry (entries are space-separated, e.g. `v1,K5oZ… v1,7Bd3…`).",
      );
    }
    if (usable === 0) {
      return failure(
        "invalid_secret",
        `None of the ${configured.length} configured webhook secret(s) is a valid signing secret: expected \`whsec_\` followed by base64 (copy it again from the Meeting BaaS dashboard; check for whitespace).`,
      );
    }
    const bytes = bodyBytes(body);
    const prefix = `${id}.${timestamp}.`;
    for (let index = 0; index < keys.length; index++) {
      const key = keys[index];
      if (!key) continue;
      const digest = createHmac("sha256", key).update(prefix, "utf8").update(bytes).digest("base64");
      for (const offset of offsets) {
        if (constantTimeEqual(digest, signature, offset)) {
          return withinTolerance(Number(timestamp), tolerance, clock) ?? { ok: true, secretIndex: index };
        }
      }
    }
    return failure(
      "signature_mismatch",
      `No svix-signature entry matches the body with any of the ${usable} configured webhook secret(s). ${mismatchHint(configured)}`,
    );
  };
}

/** One-off form of `createStandardWebhookVerifier`: decodes the secrets on every call. */
export function verifyStandardWebhook(options: StandardWebhookVerifyOptions): VerifyResult {
  return createStandardWebhookVerifier(options)(options.body, options.headers);
}
