// Who may read what the receiver stored, from the environment: the read API's bearer tokens, the key of the
// dashboard's session cookie and the rate limits. A receiver on a public address without tokens is refused unless
// that is said on purpose; on loopback (`npm start`) nothing needs configuring.
import { BlockList, isIP } from "node:net";

export interface RateLimit {
  /** Requests (or failures) allowed per client address in each window. */
  max: number;
  windowMs: number;
}

export interface AccessConfig {
  /** The accepted bearer tokens (several while rotating); empty when access control is off. */
  tokens: string[];
  /** `SESSION_SECRET`'s keys (the first signs the session cookie, every one verifies); empty: derived from tokens. */
  sessionSecrets: string[];
  /** Cookies carry `Secure`: the receiver listens on more than loopback, so browsers reach it through TLS. */
  secureCookies: boolean;
  /** `READ_API_AUTH=off` on a non-loopback address: everything is public, on purpose (logged at start). */
  disabledOnPurpose: boolean;
  /** Requests to the read API (`/api/*`) per client address. */
  readApiLimit: RateLimit;
  /** Failed logins and refused tokens per client address, after which even a right token waits. */
  failureLimit: RateLimit;
}

/** A refused access setting: the variable to fix and what to do (never the value: it may be a secret). */
export interface AccessConfigError {
  variable: string;
  message: string;
}

export const minimumSecretLength = 32;

const loopbacks = new BlockList();
loopbacks.addSubnet("127.0.0.0", 8, "ipv4");
loopbacks.addAddress("::1", "ipv6");

/** `localhost`, 127.0.0.0/8 and ::1 (IPv4-mapped too): only this machine can connect. */
export function isLoopback(host: string): boolean {
  const address = host.replace(/^\[|\]$/g, "").toLowerCase();
  if (address === "localhost") return true;
  const family = isIP(address);
  return family !== 0 && loopbacks.check(address, family === 4 ? "ipv4" : "ipv6");
}

function list(value: string | undefined): string[] {
  return (value ?? "")
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

function secrets(env: NodeJS.ProcessEnv, variable: string): string[] | AccessConfigError {
  const values = list(env[variable]);
  const short = values.findIndex((value) => value.length < minimumSecretLength);
  if (short === -1) return values;
  return {
    variable,
    message: `${variable} (entry ${short + 1} of the comma-separated list) is shorter than ${minimumSecretLength} characters: use a random value, e.g. \`openssl rand -base64 32\``,
  };
}

function positive(env: NodeJS.ProcessEnv, variable: string, fallback: number): number | AccessConfigError {
  const raw = env[variable];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  return Number.isInteger(value) && value >= 1
    ? value
    : { variable, message: `${variable} must be an integer ≥ 1, got ${JSON.stringify(raw)}` };
}

const isError = (value: unknown): value is AccessConfigError =>
  typeof value === "object" && value !== null && "variable" in value;

/** The access settings for a receiver listening on `host`, or the first setting to fix. */
export function readAccessConfig(env: NodeJS.ProcessEnv, host: string): AccessConfig | AccessConfigError {
  const tokens = secrets(env, "READ_API_TOKENS");
  if (isError(tokens)) return tokens;
  const sessionSecrets = secrets(env, "SESSION_SECRET");
  if (isError(sessionSecrets)) return sessionSecrets;
  const auth = env.READ_API_AUTH ?? "";
  if (!["", "on", "off"].includes(auth))
    return {
      variable: "READ_API_AUTH",
      message: `READ_API_AUTH must be on or off, got ${JSON.stringify(auth)}`,
    };
  if (auth === "off" && tokens.length > 0)
    return {
      variable: "READ_API_AUTH",
      message:
        "READ_API_AUTH=off and READ_API_TOKENS are both set: unset one (tokens are checked unless auth is off)",
    };
  const loopback = isLoopback(host);
  if (!loopback && tokens.length === 0 && auth !== "off")
    return {
      variable: "READ_API_TOKENS",
      message: `HOST=${host} is not a loopback address and READ_API_TOKENS is unset: anyone who reaches it could read every stored meeting. Set READ_API_TOKENS (comma-separated, ≥ ${minimumSecretLength} characters each), or READ_API_AUTH=off to serve the read side without tokens on purpose (behind your own authentication)`,
    };
  if (auth === "on" && tokens.length === 0)
    return { variable: "READ_API_TOKENS", message: "READ_API_AUTH=on needs READ_API_TOKENS" };
  const readMax = positive(env, "READ_API_RATE_LIMIT", 300);
  if (isError(readMax)) return readMax;
  const failureMax = positive(env, "AUTH_FAILURE_LIMIT", 10);
  if (isError(failureMax)) return failureMax;
  return {
    tokens,
    sessionSecrets,
    secureCookies: !loopback,
    disabledOnPurpose: auth === "off" && !loopback,
    readApiLimit: { max: readMax, windowMs: 60_000 },
    failureLimit: { max: failureMax, windowMs: 15 * 60_000 },
  };
}

export function isAccessConfigError(value: AccessConfig | AccessConfigError): value is AccessConfigError {
  return isError(value);
}
