// Configuration from environment variables, with defaults that work with zero configuration: without secrets the
// receiver runs in development mode with the well-known development secrets of @meeting-webhooks/mocks.
import { hostname } from "node:os";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type AccessConfig, isAccessConfigError, readAccessConfig } from "./access/config.js";
import { providerModules, type VariableValues } from "./providers/index.js";

export type Role = "all" | "ingest" | "worker";

export interface Config {
  port: number;
  host: string;
  databasePath: string;
  /** `postgres://…`: PostgreSQL instead of SQLite at `databasePath`. */
  databaseUrl: string | undefined;
  /** PostgreSQL schema for the receiver's tables (default `public`). */
  databaseSchema: string;
  /** At most this many PostgreSQL connections per process. */
  databasePoolSize: number;
  /** `all` (default): ingest and process; `ingest`: webhooks, read API, dashboard; `worker`: processing only. */
  role: Role;
  /** This process's name in claims and the operations view (`host:pid` by default). */
  processName: string;
  /** How long a worker holds a claimed delivery without a heartbeat before another may take it over. */
  leaseMs: number;
  /** Deliveries processed at once in this process (the inbox's concurrency). */
  processingConcurrency: number;
  /** Runs of a delivery before it is dead (its handlers kept failing); `POST`-free: re-queue it from the inbox. */
  processingAttempts: number;
  /**
   * The providers' secrets and keys: each variable a provider module declares (providers/*.ts), with its values
   * (split on commas); an unset secret holds its development value in development mode.
   */
  variables: VariableValues;
  bodyLimit: number;
  toleranceSeconds: number;
  /** True when a secret was unset and its well-known development value is used. */
  development: boolean;
  /** Base delay before a failed run is tried again (a download that failed for now), in ms; doubled each time. */
  downloadRetryBaseMs: number;
  /** Attempts of a download before it is recorded as failed (the delivery is then done). */
  downloadAttempts: number;
  /** Where the built docs site is (apps/docs/dist by default), served at /docs when it exists. */
  docsDir: string;
  /** Log each request (off by default: deliveries are logged by the receiver itself). */
  logRequests: boolean;
  /**
   * Days a delivery's body and headers and a downloaded transcript are kept before a worker's retention pass erases
   * them (RETENTION_DAYS, default 30); 0 keeps them for ever. See src/retention.ts.
   */
  retentionDays: number;
  /** How often a worker's retention pass runs (RETENTION_INTERVAL_MS, default one hour). */
  retentionIntervalMs: number;
  /** Who may read: READ_API_TOKENS, SESSION_SECRET, READ_API_AUTH and the rate limits (access/config.ts). */
  access: AccessConfig;
}

export class ConfigError extends Error {}

function list(value: string | undefined): string[] {
  return (value ?? "")
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min = 0): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min)
    throw new ConfigError(`${name} must be an integer ≥ ${min}, got ${JSON.stringify(raw)}`);
  return value;
}

/**
 * Every provider module's variables from the environment. An unset secret takes the well-known development value
 * that `meeting-webhooks send` and the mocks use by default, so a sender and this receiver started without
 * configuration agree: development mode, logged loudly, never for anything real.
 */
function providerVariables(env: NodeJS.ProcessEnv): { variables: VariableValues; development: boolean } {
  const variables: Record<string, string[]> = {};
  let development = false;
  for (const module of Object.values(providerModules))
    for (const variable of module.variables) {
      variables[variable.name] = list(env[variable.name]);
      if (variables[variable.name]?.length === 0 && variable.development !== undefined) {
        variables[variable.name] = [variable.development];
        development = true;
      }
    }
  return { variables, development };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const databasePath =
    env.DATABASE_PATH === ":memory:" ? ":memory:" : resolve(cwd, env.DATABASE_PATH || "./data/receiver.db");
  const { variables, development } = providerVariables(env);
  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl))
    throw new ConfigError("DATABASE_URL must be a postgres:// URL (or unset for SQLite at DATABASE_PATH)");
  const role = (env.RECEIVER_ROLE || "all") as Role;
  if (!["all", "ingest", "worker"].includes(role))
    throw new ConfigError(
      `RECEIVER_ROLE must be all, ingest or worker, got ${JSON.stringify(env.RECEIVER_ROLE)}`,
    );
  if (role !== "all" && !databaseUrl)
    throw new ConfigError(
      `RECEIVER_ROLE=${role} needs DATABASE_URL: SQLite serves one process, which does everything`,
    );
  const databaseSchema = env.DATABASE_SCHEMA || "public";
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(databaseSchema))
    throw new ConfigError("DATABASE_SCHEMA must be a lower-case SQL identifier (letters, digits, _)");
  const host = env.HOST || "127.0.0.1";
  const access = readAccessConfig(env, host);
  if (isAccessConfigError(access)) throw new ConfigError(access.message);
  const docsDefault = fileURLToPath(new URL("../../docs/dist", import.meta.url));
  return {
    port: integer(env, "PORT", 3000),
    host,
    databasePath,
    databaseUrl,
    databaseSchema,
    databasePoolSize: integer(env, "DATABASE_POOL_SIZE", 10, 1),
    role,
    processName: env.RECEIVER_NAME || `${hostname()}:${process.pid}`,
    leaseMs: integer(env, "PROCESSING_LEASE_MS", 30_000, 100),
    processingConcurrency: integer(env, "PROCESSING_CONCURRENCY", 4, 1),
    processingAttempts: integer(env, "PROCESSING_ATTEMPTS", 10, 1),
    variables,
    bodyLimit: integer(env, "BODY_LIMIT", 1024 * 1024, 1),
    toleranceSeconds: integer(env, "WEBHOOK_TOLERANCE_SECONDS", 300),
    development,
    downloadRetryBaseMs: integer(env, "DOWNLOAD_RETRY_BASE_MS", 500),
    downloadAttempts: integer(env, "DOWNLOAD_ATTEMPTS", 4, 1),
    docsDir: env.DOCS_DIR ? resolve(cwd, env.DOCS_DIR) : docsDefault,
    logRequests: env.LOG_REQUESTS === "1",
    retentionDays: integer(env, "RETENTION_DAYS", 30),
    retentionIntervalMs: integer(env, "RETENTION_INTERVAL_MS", 3_600_000, 10),
    access,
  };
}
