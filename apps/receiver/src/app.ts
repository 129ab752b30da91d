// The sample receiver, built on @meeting-webhooks/inbox: one webhooks object whose typed handlers (processing.ts) the
// inbox runs from its queue, and Fastify plugins per capability — the provider routes (the inbox behind receive's
// Fastify adapter), the read API, the metrics, the dashboard, the docs site. Its roles split the same code across processes.
import { createInbox, type Inbox, type InboxObserver } from "@meeting-webhooks/inbox";
import {
  createMeetingWebhooks,
  type MeetingWebhooks,
  MeetingWebhooksConfigError,
  type MeetingWebhooksOptions,
  problemOf,
} from "@meeting-webhooks/receive";
import Fastify, { type FastifyInstance } from "fastify";
import { type Config, ConfigError } from "./config.js";
import { fastifyLoggerOf, type LogDestination, lineLog } from "./logger.js";
import { createReceiverMetrics, type ReceiverMetrics } from "./metrics.js";
import { fanOut } from "./observers.js";
import { OperationsRecorder } from "./operations.js";
import { accessControl } from "./plugins/access.js";
import { docsBuilt, docsPlugin } from "./plugins/docs.js";
import { erasurePlugin } from "./plugins/erasure.js";
import { metricsPlugin } from "./plugins/metrics.js";
import { pagesPlugin } from "./plugins/pages.js";
import { readApiPlugin, send, sendError } from "./plugins/read-api.js";
import { webhooksPlugin } from "./plugins/webhooks.js";
import { registerProcessing } from "./processing.js";
import { type FetchLike, moduleOf, providerModules } from "./providers/index.js";
import { migrateReadModel } from "./read-model/open.js";
import { type ReadSide, readSide } from "./read-side.js";
import { retentionOf } from "./retention.js";

export { insideDocs } from "./plugins/docs.js";

export interface Receiver {
  app: FastifyInstance;
  inbox: Inbox;
  read: ReadSide;
  /** This receiver's Prometheus metrics (served at `GET /metrics`). */
  metrics: ReceiverMetrics;
  /** Resolves once every stored delivery is processed or dead (tests, and a graceful hand-over). */
  drain(options?: { timeoutMs?: number }): Promise<void>;
  /** Writes the operations counters now (they are written every 5 s). */
  flushOperations(): Promise<void>;
  /** One retention pass now (RETENTION_DAYS), as the workers run it every RETENTION_INTERVAL_MS; how many rows. */
  runRetention(): Promise<number>;
  close(): Promise<void>;
}

export interface ReceiverOptions {
  fetch?: FetchLike;
  /** Run the handlers from the queue in this process (default true, unless the role is `ingest`). */
  process?: boolean;
  log?: (message: string) => void;
  /** Where Fastify's logger and, unless `log` is given, the receiver's own lines go (see src/logger.ts). */
  logStream?: LogDestination;
  /** Hears what the inbox does, besides the receiver's metrics. */
  observer?: InboxObserver;
}

/** `Retry-After` of a 503, in seconds. */
const retryAfterSeconds = 5;

/**
 * The environment variable behind an option of `createMeetingWebhooks`, from the provider modules' declarations:
 * the longest pointer prefix wins; a provider-wide error names all of its secrets; the tolerance has its own.
 */
function variableOf(pointer: string): string | undefined {
  if (pointer.endsWith("/toleranceSeconds")) return "WEBHOOK_TOLERANCE_SECONDS";
  const declared = Object.values(providerModules).flatMap((module) =>
    module.variables.flatMap(({ name, pointer }) =>
      pointer ? [{ name, pointer, provider: module.provider }] : [],
    ),
  );
  const exact = declared
    .filter((variable) => pointer.startsWith(variable.pointer))
    .sort((a, b) => b.pointer.length - a.pointer.length)[0];
  if (exact) return exact.name;
  const all = declared
    .filter((variable) => `/${variable.provider}` === pointer)
    .map((variable) => variable.name);
  return all.length > 0 ? all.join(" or ") : undefined;
}

/** `createMeetingWebhooks`' options: each provider module's, from its variables. */
function webhooksOptionsOf(config: Pick<Config, "variables" | "toleranceSeconds">): MeetingWebhooksOptions {
  const shared = { toleranceSeconds: config.toleranceSeconds };
  return Object.fromEntries(
    Object.values(providerModules).map((module) => [
      module.provider,
      moduleOf(module.provider).webhooksOptions(config.variables, shared),
    ]),
  ) as MeetingWebhooksOptions;
}

/**
 * The receiver's one webhook object, built before anything is opened: a secret that could never verify fails the
 * start with the environment variable to fix.
 */
export function meetingWebhooksOf(config: Config): MeetingWebhooks {
  try {
    return createMeetingWebhooks(webhooksOptionsOf(config));
  } catch (error) {
    if (!(error instanceof MeetingWebhooksConfigError)) throw error;
    const variable = variableOf(error.pointer);
    const index = /\/(\d+)$/.exec(error.pointer)?.[1];
    const which = index === undefined ? "" : ` (entry ${Number(index) + 1} of the comma-separated list)`;
    throw new ConfigError(`${variable ?? "a secret"}${which}: ${error.message}`);
  }
}

/** The inbox's `database`: the PostgreSQL URL (with its schema) or the SQLite file. */
export function databaseOf(config: Pick<Config, "databaseUrl" | "databaseSchema" | "databasePath">): string {
  if (!config.databaseUrl) return config.databasePath;
  if (config.databaseSchema === "public") return config.databaseUrl;
  const url = new URL(config.databaseUrl);
  url.searchParams.set("schema", config.databaseSchema);
  return url.toString();
}

export async function buildReceiver(config: Config, options: ReceiverOptions = {}): Promise<Receiver> {
  const log = options.log ?? (options.logStream ? lineLog(options.logStream) : () => {});
  const webhooks = meetingWebhooksOf(config);
  const metrics = createReceiverMetrics(log);
  const inbox = await createInbox({
    webhooks,
    database: databaseOf(config),
    concurrency: config.processingConcurrency,
    leaseMs: config.leaseMs,
    maxAttempts: config.processingAttempts,
    backoff: { initialMs: config.downloadRetryBaseMs },
    poolSize: config.databasePoolSize,
    workerId: config.processName,
    retryAfterSeconds,
    log,
    // Passes run only in processes that start the inbox's workers (roles all and worker).
    retention: retentionOf(config, () => inbox.database.dialect),
    observer: fanOut(metrics.observer, options.observer),
  });
  metrics.countQueue(() => inbox.counts());
  try {
    await migrateReadModel(inbox.database);
  } catch (error) {
    await inbox.stop();
    throw error;
  }
  const serves = config.role !== "worker";
  const processes =
    config.role !== "ingest" && options.process !== false && process.env.RECEIVER_PROCESSING !== "off";
  const ingestOps = serves ? new OperationsRecorder(inbox.database, config.processName, "ingest") : undefined;
  const workerOps = processes
    ? new OperationsRecorder(inbox.database, config.processName, "worker")
    : undefined;
  registerProcessing(webhooks, {
    db: inbox.database,
    config,
    fetch: options.fetch ?? ((input, init) => fetch(input, init)),
    recorder: workerOps,
    metrics,
    log,
  });
  const read = readSide(inbox, [ingestOps, workerOps]);

  const app = Fastify({
    ...fastifyLoggerOf(config.logRequests, options.logStream),
    bodyLimit: config.bodyLimit,
  });
  app.setErrorHandler(
    (error: { statusCode?: number; validation?: unknown; message: string }, _request, reply) =>
      sendError(reply, error, log),
  );
  app.setNotFoundHandler((request, reply) =>
    send(reply, problemOf(404, "not_found", `No route ${request.method} ${request.url}.`)),
  );
  // First, so that its deny-by-default hook and headers cover every route registered after it.
  await app.register(accessControl, { access: config.access, log });
  await app.register(readApiPlugin, { read, retryAfterSeconds });
  await app.register(metricsPlugin, { metrics });
  if (serves) {
    await app.register(webhooksPlugin, { inbox, bodyLimit: config.bodyLimit, recorder: ingestOps, log });
    await app.register(erasurePlugin, { inbox, log });
    await app.register(pagesPlugin, {
      read,
      docsAvailable: () => docsBuilt(config.docsDir),
      retentionDays: config.retentionDays,
    });
    await app.register(docsPlugin, { docsDir: config.docsDir, log });
  }

  if (processes) await inbox.start();
  ingestOps?.start();
  workerOps?.start();

  return {
    app,
    inbox,
    read,
    metrics,
    drain: (drainOptions) => inbox.drain(drainOptions),
    async flushOperations() {
      await ingestOps?.flush();
      await workerOps?.flush();
    },
    runRetention: () => inbox.runRetention(),
    async close() {
      await app.close();
      await ingestOps?.stop();
      await workerOps?.stop();
      await inbox.stop();
    },
  };
}
