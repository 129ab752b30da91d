// The sample receiver, built on @meeting-webhooks/inbox: one webhooks object whose typed handlers (processing.ts) the
// inbox runs from its queue, and Fastify plugins per capability — the provider routes (the inbox behind receive's
// Fastify adapter), the read API, the dashboard, the docs site. Its roles split the same code across processes.
import { createInbox, type Inbox } from "@meeting-webhooks/inbox";
import {
  createMeetingWebhooks,
  type MeetingWebhooks,
  MeetingWebhooksConfigError,
  problemOf,
} from "@meeting-webhooks/receive";
import Fastify, { type FastifyInstance } from "fastify";
import { type Config, ConfigError } from "./config.js";
import { OperationsRecorder } from "./operations.js";
import { docsBuilt, docsPlugin } from "./plugins/docs.js";
import { pagesPlugin } from "./plugins/pages.js";
import { readApiPlugin, send } from "./plugins/read-api.js";
import { webhooksPlugin } from "./plugins/webhooks.js";
import { registerProcessing } from "./processing.js";
import type { FetchLike } from "./providers/index.js";
import { migrateReadModel } from "./read-model/open.js";
import { type ReadSide, readSide } from "./read-side.js";

export { insideDocs } from "./plugins/docs.js";

export interface Receiver {
  app: FastifyInstance;
  inbox: Inbox;
  read: ReadSide;
  /** Resolves once every stored delivery is processed or dead (tests, and a graceful hand-over). */
  drain(options?: { timeoutMs?: number }): Promise<void>;
  /** Writes the operations counters now (they are written every 5 s). */
  flushOperations(): Promise<void>;
  close(): Promise<void>;
}

export interface ReceiverOptions {
  fetch?: FetchLike;
  /** Run the handlers from the queue in this process (default true, unless the role is `ingest`). */
  process?: boolean;
  log?: (message: string) => void;
}

/** `Retry-After` of a 503, in seconds. */
const retryAfterSeconds = 5;

/** Environment variables behind `createMeetingWebhooks`' options, for its configuration errors. */
const secretVariables: Record<string, string> = {
  "/cronofy": "CRONOFY_CLIENT_SECRETS",
  "/meetingbaas/callbackSecrets": "MEETINGBAAS_CALLBACK_SECRETS",
  "/meetingbaas/webhookSecret": "MEETINGBAAS_WEBHOOK_SECRET",
  "/meetingbaas/toleranceSeconds": "WEBHOOK_TOLERANCE_SECONDS",
  "/meetingbaas": "MEETINGBAAS_CALLBACK_SECRETS or MEETINGBAAS_WEBHOOK_SECRET",
};

/**
 * The receiver's one webhook object, built before anything is opened: a secret that could never verify fails the
 * start with the environment variable to fix.
 */
export function meetingWebhooksOf(config: Config): MeetingWebhooks {
  try {
    return createMeetingWebhooks({
      cronofy: { clientSecrets: config.cronofySecrets },
      meetingbaas: {
        callbackSecrets: config.meetingBaasCallbackSecrets,
        webhookSecret: config.meetingBaasWebhookSecrets,
        toleranceSeconds: config.toleranceSeconds,
      },
    });
  } catch (error) {
    if (!(error instanceof MeetingWebhooksConfigError)) throw error;
    const variable = Object.entries(secretVariables).find(([prefix]) =>
      error.pointer.startsWith(prefix),
    )?.[1];
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
  const log = options.log ?? (() => {});
  const webhooks = meetingWebhooksOf(config);
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
  });
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
    log,
  });
  const read = readSide(inbox, [ingestOps, workerOps]);

  const app = Fastify({ logger: config.logRequests, bodyLimit: config.bodyLimit });
  app.setErrorHandler(
    (error: { statusCode?: number; validation?: unknown; message: string }, _request, reply) => {
      if (error.validation) return send(reply, problemOf(400, "bad_request", error.message));
      const status =
        error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
      if (status === 500) log(`internal error: ${error.message}`);
      return send(
        reply,
        problemOf(
          status,
          status === 500 ? "internal_error" : "bad_request",
          status === 500 ? "The receiver failed. Retry." : error.message,
        ),
      );
    },
  );
  app.setNotFoundHandler((request, reply) =>
    send(reply, problemOf(404, "not_found", `No route ${request.method} ${request.url}.`)),
  );
  await app.register(readApiPlugin, { read, retryAfterSeconds });
  if (serves) {
    await app.register(webhooksPlugin, { inbox, bodyLimit: config.bodyLimit, recorder: ingestOps, log });
    await app.register(pagesPlugin, { read, docsAvailable: () => docsBuilt(config.docsDir) });
    await app.register(docsPlugin, { docsDir: config.docsDir, log });
  }

  if (processes) await inbox.start();
  ingestOps?.start();
  workerOps?.start();

  return {
    app,
    inbox,
    read,
    drain: (drainOptions) => inbox.drain(drainOptions),
    async flushOperations() {
      await ingestOps?.flush();
      await workerOps?.flush();
    },
    async close() {
      await app.close();
      await ingestOps?.stop();
      await workerOps?.stop();
      await inbox.stop();
    },
  };
}
