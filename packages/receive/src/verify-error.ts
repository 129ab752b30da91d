// Why a delivery is not authentic, as a value a receiver can switch on and a person can act on.

export type VerifyFailureCode =
  /** No secret was configured for this kind of delivery. */
  | "no_secret_configured"
  /** A configured secret cannot be used (e.g. a `whsec_` secret that is not base64). */
  | "invalid_secret"
  /** The signature header is absent. */
  | "missing_signature"
  /** Another header the scheme needs (`svix-id`, `svix-timestamp`) is absent. */
  | "missing_header"
  /** The signature header is present but holds nothing that could be a signature. */
  | "malformed_signature"
  /** `svix-timestamp` is not a whole number of seconds. */
  | "malformed_timestamp"
  /** The delivery's timestamp is outside the tolerance window: a replay, or a clock far off. */
  | "timestamp_out_of_tolerance"
  /** Signatures are present and well formed, and none matches. */
  | "signature_mismatch";

export interface VerifyFailure {
  ok: false;
  code: VerifyFailureCode;
  message: string;
}

export interface VerifySuccess {
  ok: true;
  /** Which configured secret matched (its index), useful to finish a rotation. */
  secretIndex: number;
}

export type VerifyResult = VerifySuccess | VerifyFailure;

export function failure(code: VerifyFailureCode, message: string): VerifyFailure {
  return { ok: false, code, message };
}

/** `#n` of each configured secret with leading or trailing whitespace, the most common configuration mistake. */
export function secretsWithWhitespace(secrets: readonly string[]): string[] {
  return secrets.flatMap((secret, index) => (secret !== secret.trim() ? [`#${index + 1}`] : []));
}

/** The usual causes of a mismatch, naming the configured secrets that look wrong. */
export function mismatchHint(secrets: readonly string[]): string {
  const hints = [
    "the body was parsed and re-serialised before verification (verify the raw bytes exactly as received)",
  ];
  const spaced = secretsWithWhitespace(secrets);
  hints.push(
    spaced.length > 0
      ? `configured secret ${spaced.join(", ")} has leading or trailing whitespace (often a newline from a .env file)`
      : "a secret with leading or trailing whitespace",
  );
  hints.push("the secret of another endpoint, application or environment");
  return `Usual causes: ${hints.join("; ")}.`;
}

export function secretList(secrets: string | readonly string[] | undefined): string[] {
  if (secrets === undefined || secrets === "") return [];
  if (typeof secrets === "string") return [secrets];
  return secrets.every((secret) => secret.length > 0)
    ? (secrets as string[])
    : secrets.filter((s) => s.length > 0);
}
