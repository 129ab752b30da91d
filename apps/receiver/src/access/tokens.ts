// The read API's bearer tokens, built once from the configuration: checking a presented token, naming which one
// matched (for sessions), and the keys that sign the session cookie.
import { createHash, createHmac, timingSafeEqual } from "node:crypto";

const digest = (value: string) => createHash("sha256").update(value, "utf8").digest();

export class ReadTokens {
  /** SHA-256 of each token: equal lengths, so `timingSafeEqual` applies whatever was presented. */
  private readonly digests: Buffer[];
  /** A short, one-way name of each token, stored in its sessions so that removing the token ends them. */
  readonly fingerprints: string[];

  /** `equal` is `timingSafeEqual`; a test passes a spy of it to see that every token is compared. */
  constructor(
    readonly tokens: readonly string[],
    private readonly equal: (a: Buffer, b: Buffer) => boolean = timingSafeEqual,
  ) {
    this.digests = tokens.map(digest);
    this.fingerprints = tokens.map((token) =>
      createHmac("sha256", token).update("session fingerprint").digest("base64url").slice(0, 22),
    );
  }

  get enabled(): boolean {
    return this.tokens.length > 0;
  }

  /**
   * The index of the token `presented` equals, or -1. Every token is compared, in constant time over digests of
   * equal length, so the time taken says neither which token matched nor how much of one was right.
   */
  match(presented: string): number {
    const candidate = digest(presented);
    let found = -1;
    this.digests.forEach((expected, index) => {
      if (this.equal(candidate, expected) && found === -1) found = index;
    });
    return found;
  }

  /** Whether a session made with the token of this fingerprint still stands (the token was not removed). */
  knows(fingerprint: string): boolean {
    return this.fingerprints.includes(fingerprint);
  }

  /**
   * The keys that sign session cookies when `SESSION_SECRET` is unset: one per token, derived one-way, the first
   * token's signing. Adding a new token first and removing the old one later keeps sessions valid meanwhile.
   */
  sessionKeys(): string[] {
    return this.tokens.map((token) =>
      createHmac("sha256", token).update("session cookie key").digest("base64url"),
    );
  }
}

/** The token of an `Authorization: Bearer <token>` header; undefined for another scheme or none. */
export function bearerOf(header: string | undefined): string | undefined {
  const match = /^Bearer[ ]+([^\s]+)\s*$/i.exec(header ?? "");
  return match?.[1];
}
