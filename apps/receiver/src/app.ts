// The receiver's HTTP surface (specs/receiver/openapi.yaml): webhook endpoints that verify, validate and store
// before answering, the read API, the dashboard and the docs site; and, by role, the worker that processes.
import { existsSync, realpathSync, statSync } from "node:fs";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import fastifyStatic from "@fastify/static";
import {
  createMeetingWebhooks,
  httpStatusOf,
  type MeetingWebhooks,
  MeetingWebhooksConfigError,
  type Route,
  refuseBeforeReading,
  webhookRoutes,
} from "@meeting-webhooks/receive";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import { type Config, ConfigError } from "./config.js";
import { renderDashboard, renderMeetingPage, renderOperationsPage } from "./dashboard.js";
import { Downloader, type FetchLike } from "./downloads.js";
import { driftSummary } from "./drift.js";
import { OperationsRecorder } from "./operations.js";
import { subjectOf } from "./providers/index.js";
import { Scheduler } from "./scheduler.js";
import { type NewDelivery, openStorage, type Storage } from "./storage/index.js";

export interface Receiver {
  app: FastifyInstance;
  storage: Storage;
  /** The worker (started unless the role is `ingest` or processing is off). */
  processor: Scheduler;
  /** Writes the operations counters now (they are written every 5 s). */
  flushOperations(): Promise<void>;
  close(): Promise<void>;
}

export interface ReceiverOptions {
  fetch?: FetchLike;
  /** Start the background processor (default true). */
  process?: boolean;
  log?: (message: string) => void;
}

const keptHeaders = [
  "content-type",
  "user-agent",
  "cronofy-hmac-sha256",
  "svix-id",
  "svix-timestamp",
  "svix-signature",
];

function problem(reply: FastifyReply, status: number, code: string, title: string, detail: string) {
  return reply
    .code(status)
    .type("application/problem+json")
    .send({ type: `https://meeting-webhooks.invalid/problems/${code}`, title, status, detail, code });
}

const statusTitles: Record<number, string> = {
  400: "Bad request",
  401: "Not authentic",
  404: "Not found",
  413: "Body too large",
  415: "Unsupported media type",
  503: "Database unavailable",
};

/** Seconds a sender should wait after a 503 before it retries. */
const retryAfterSeconds = 5;

function unavailable(reply: FastifyReply, detail: string) {
  reply.header("retry-after", String(retryAfterSeconds));
  return problem(reply, 503, "storage_unavailable", statusTitles[503] as string, detail);
}

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
 * start with the environment variable to fix. The receiver adds no handlers: it stores, then answers.
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

export async function buildReceiver(config: Config, options: ReceiverOptions = {}): Promise<Receiver> {
  const log = options.log ?? (() => {});
  const webhooks = meetingWebhooksOf(config);
  const storage = await openStorage(config, log);
  const serves = config.role !== "worker";
  const processes = config.role !== "ingest";
  const ingestOps = serves ? new OperationsRecorder(storage, config.processName, "ingest") : undefined;
  const workerOps = processes ? new OperationsRecorder(storage, config.processName, "worker") : undefined;
  let processor: Scheduler | undefined;
  const downloader = new Downloader(storage, config, options.fetch, log, (ms) => processor?.wakeAfter(ms));
  processor = new Scheduler(
    storage,
    downloader,
    {
      worker: config.processName,
      cronofyApiKey: config.cronofyApiKey,
      batchSize: config.batchSize,
      leaseMs: config.leaseMs,
      pollMs: 1000,
      gatherMs: config.gatherMs,
    },
    workerOps,
    log,
  );
  const app = Fastify({ logger: config.logRequests, bodyLimit: config.bodyLimit });

  // Webhook bodies stay raw bytes: signatures are over the bytes as received.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "buffer", bodyLimit: config.bodyLimit }, (_request, body, done) =>
    done(null, body),
  );

  app.setErrorHandler((error: { statusCode?: number; code?: string; message: string }, _request, reply) => {
    const status =
      error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    const code =
      status === 413
        ? "body_too_large"
        : status === 415
          ? "unsupported_media_type"
          : status === 500
            ? "internal_error"
            : "bad_request";
    if ((error as { code?: string }).code === "storage_unavailable")
      return unavailable(reply, "The database does not answer; retry later.");
    if (status === 500) log(`internal error: ${error.message}`);
    return problem(
      reply,
      status,
      code,
      statusTitles[status] ?? "Internal error",
      status === 500 ? "The receiver failed; the delivery was not stored. Retry." : error.message,
    );
  });
  app.setNotFoundHandler((request, reply) =>
    problem(reply, 404, "not_found", "Not found", `No route ${request.method} ${request.url}`),
  );

  async function ingest(request: FastifyRequest, reply: FastifyReply, route: Route) {
    const refused = refuseBeforeReading(
      route,
      request.method,
      request.headers["content-type"],
      undefined, // Fastify's bodyLimit has already answered 413 for a body over the limit
      config.bodyLimit,
    );
    if (refused && !refused.ok && refused.error.stage === "request") {
      const status = httpStatusOf(refused);
      return problem(
        reply,
        status,
        refused.error.code,
        statusTitles[status] as string,
        refused.error.message,
      );
    }
    const body = (request.body as Buffer | undefined) ?? Buffer.alloc(0);
    const result = await webhooks.receive({
      provider: route.provider,
      channel: route.channel,
      body,
      headers: request.headers,
    });
    const status = httpStatusOf(result);
    if (status !== 202) {
      // Not authentic (401) or not a JSON object (400): counted, nothing stored. The receiver adds no handlers,
      // so no other refusal reaches here.
      const error = result.ok ? undefined : result.error;
      const code = error?.code ?? "internal_error";
      storage.countRejection(code);
      ingestOps?.count("rejected");
      return problem(reply, status, code, statusTitles[status] ?? "Refused", error?.message ?? "");
    }
    const headers: Record<string, string> = {};
    for (const name of keptHeaders) {
      const value = request.headers[name];
      if (typeof value === "string") headers[name] = value;
    }
    let delivery: NewDelivery;
    if (result.ok) {
      const event = result.event;
      delivery = {
        deliveryKey: event.deliveryKey,
        provider: event.provider,
        channel: event.channel,
        event: event.name ?? null,
        status: event.known ? "pending" : "unknown",
        subject: subjectOf(event),
        headers,
        body,
        drift: [...event.drift],
      };
    } else if (result.error.stage === "envelope" || result.error.stage === "schema") {
      // Authentic and readable but breaking its contract: httpStatusOf answers 2xx (a retry would not mend it),
      // and the receiver keeps it for review.
      const error = result.error;
      delivery = {
        deliveryKey: error.deliveryKey ?? `quarantine:${Date.now()}:${Math.random()}`,
        provider: error.provider ?? route.provider,
        channel: error.channel ?? route.channel,
        event: error.name ?? null,
        status: "quarantined",
        subject: null,
        headers,
        body,
        errors: error.issues,
      };
    } else {
      throw new Error(`unexpected ${result.error.stage} outcome answered 202`);
    }
    let stored: Awaited<ReturnType<Storage["storeDelivery"]>>;
    try {
      stored = await storage.storeDelivery(delivery);
    } catch (error) {
      ingestOps?.count("unavailable");
      log(`storing a delivery failed: ${(error as Error).message}`);
      return unavailable(reply, "The delivery was not stored: the database does not answer. Retry later.");
    }
    const outcome = stored.duplicate
      ? "duplicate"
      : delivery.status === "pending"
        ? "accepted"
        : delivery.status;
    ingestOps?.count(outcome);
    return reply
      .code(status)
      .send({ status: outcome, deliveryKey: delivery.deliveryKey, deliveryId: stored.id });
  }

  app.get("/livez", async () => ({ status: "ok" }));
  app.get("/healthz", async (_request, reply) => {
    try {
      return { status: "ok", pending: await storage.pendingCount() };
    } catch {
      return unavailable(reply, "The database does not answer.");
    }
  });
  if (serves) routes();

  function routes() {
    // The provider routes are the library's (one source of truth with its adapters): Cronofy callbacks, Meeting BaaS
    // account webhooks, and Meeting BaaS per-bot callbacks by POST or PUT; each route takes only its channel.
    for (const [url, route] of webhookRoutes("/webhooks")) {
      app.route({
        method: [...route.methods],
        url,
        handler: (request, reply) => ingest(request, reply, route),
      });
    }

    const limitOf = (raw: unknown) => {
      if (raw === undefined) return 50;
      const n = Number(raw);
      if (!Number.isInteger(n) || n < 1 || n > 500)
        throw Object.assign(new Error("limit must be an integer from 1 to 500"), { statusCode: 400 });
      return n;
    };
    const enumOf = (name: string, raw: unknown, allowed: string[]) => {
      if (raw === undefined) return undefined;
      if (typeof raw !== "string" || !allowed.includes(raw)) {
        throw Object.assign(new Error(`${name} must be one of ${allowed.join(", ")}`), { statusCode: 400 });
      }
      return raw;
    };

    app.get("/api/meetings", async (request) => {
      const q = request.query as Record<string, unknown>;
      return {
        meetings: await storage.listMeetings({
          provider: enumOf("provider", q.provider, ["cronofy", "meetingbaas"]),
          status: typeof q.status === "string" ? q.status : undefined,
          limit: limitOf(q.limit),
        }),
      };
    });
    app.get("/api/meetings/:id", async (request, reply) => {
      const id = Number((request.params as { id: string }).id);
      if (!Number.isInteger(id) || id < 1)
        return problem(reply, 400, "bad_request", "Bad request", "id must be a positive integer");
      const meeting = await storage.getMeeting(id);
      return meeting ?? problem(reply, 404, "not_found", "Not found", `No meeting ${id}`);
    });
    app.get("/api/deliveries", async (request) => {
      const q = request.query as Record<string, unknown>;
      const before = q.before === undefined ? undefined : Number(q.before);
      if (before !== undefined && (!Number.isInteger(before) || before < 1)) {
        throw Object.assign(new Error("before must be a positive integer"), { statusCode: 400 });
      }
      return {
        deliveries: await storage.listDeliveries({
          status: enumOf("status", q.status, ["pending", "processed", "quarantined", "unknown", "failed"]),
          provider: enumOf("provider", q.provider, ["cronofy", "meetingbaas"]),
          event: typeof q.event === "string" ? q.event : undefined,
          before,
          limit: limitOf(q.limit),
        }),
        rejected: await storage.rejectionCounts(),
      };
    });
    app.get("/api/drift", async (request) => {
      const q = request.query as Record<string, unknown>;
      let since: string | undefined;
      if (q.since !== undefined) {
        if (typeof q.since !== "string" || Number.isNaN(Date.parse(q.since)))
          throw Object.assign(new Error("since must be an RFC 3339 date-time"), { statusCode: 400 });
        since = new Date(q.since).toISOString(); // stored times are UTC ISO strings: compare like with like
      }
      const provider = enumOf("provider", q.provider, ["cronofy", "meetingbaas"]) as
        | "cronofy"
        | "meetingbaas"
        | undefined;
      return driftSummary(storage, { since, provider });
    });

    app.get("/", async (_request, reply) =>
      reply.type("text/html; charset=utf-8").send(await renderDashboard(storage, docsAvailable())),
    );
    app.get("/operations", async (_request, reply) =>
      reply.type("text/html; charset=utf-8").send(await renderOperationsPage(storage)),
    );
    app.get("/meetings/:id", async (request, reply) => {
      const html = await renderMeetingPage(storage, Number((request.params as { id: string }).id));
      return html
        ? reply.type("text/html; charset=utf-8").send(html)
        : problem(reply, 404, "not_found", "Not found", "No such meeting");
    });

    // The docs site (npm run docs), when built. @fastify/static refuses `..`, non-canonical and NUL-byte paths;
    // `insideDocs` also refuses symlinks that lead out of the folder, which send would follow.
    const docsRoot = resolve(config.docsDir);
    const docsAvailable = () => existsSync(join(docsRoot, "index.html"));
    app.get("/docs", async (_request, reply) => reply.redirect("/docs/"));
    app.register(
      async (docs) => {
        docs.setNotFoundHandler((request, reply) =>
          problem(
            reply,
            404,
            "not_found",
            "Not found",
            docsAvailable()
              ? `No docs page ${request.url}`
              : "The docs site is not built: run `npm run docs`.",
          ),
        );
        docs.setErrorHandler((error: { statusCode?: number; message: string }, request, reply) => {
          if (error.statusCode === 400 || error.statusCode === 403) {
            return problem(
              reply,
              error.statusCode,
              error.statusCode === 403 ? "forbidden" : "bad_request",
              error.statusCode === 403 ? "Forbidden" : "Bad request",
              `${request.url} is not a path inside the docs site.`,
            );
          }
          log(`internal error serving docs: ${error.message}`);
          return problem(
            reply,
            500,
            "internal_error",
            "Internal error",
            "Serving the docs page failed. Retry.",
          );
        });
        await docs.register(fastifyStatic, {
          root: docsRoot,
          prefix: "/",
          redirect: true,
          decorateReply: false,
          // The site may be built after the receiver starts: the 404 handler says how to build it.
          suppressWarning: true,
          allowedPath: (pathname) => insideDocs(docsRoot, pathname),
        });
      },
      { prefix: "/docs" },
    );
  }

  if (processes && options.process !== false && process.env.RECEIVER_PROCESSING !== "off") processor.start();
  ingestOps?.start();
  workerOps?.start();
  const scheduler = processor;

  return {
    app,
    storage,
    processor: scheduler,
    async flushOperations() {
      await ingestOps?.flush();
      await workerOps?.flush();
    },
    async close() {
      await app.close();
      await scheduler.stop();
      await ingestOps?.stop();
      await workerOps?.stop();
      await storage.close();
    },
  };
}

/**
 * Whether a docs request path, once symlinks are resolved, names a file inside the docs folder (a directory stands
 * for its index.html). Missing files answer false, which is a 404 either way.
 */
export function insideDocs(docsRoot: string, pathname: string): boolean {
  try {
    const root = realpathSync(docsRoot);
    let target = realpathSync(join(root, pathname));
    if (statSync(target).isDirectory()) target = realpathSync(join(target, "index.html"));
    const rest = relative(root, target);
    return rest !== "" && rest !== ".." && !rest.startsWith(`..${sep}`) && !isAbsolute(rest);
  } catch {
    return false;
  }
}
