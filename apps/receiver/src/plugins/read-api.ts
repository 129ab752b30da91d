// The read API (specs/receiver/openapi.yaml): meetings, the deliveries log, drift, and the health checks. Query and
// path parameters are validated by route schemas taken from the contract (route-schemas.ts).
import { problemOf } from "@meeting-webhooks/receive";
import type { Provider } from "@meeting-webhooks/types";
import type { FastifyPluginAsync, FastifyReply } from "fastify";
import { driftSummary } from "../drift.js";
import type { DeliveryFilter, ReadSide } from "../read-side.js";
import { routeSchema } from "../route-schemas.js";

export interface ReadApiOptions {
  read: ReadSide;
  retryAfterSeconds: number;
}

type Query = Record<string, string | number | undefined>;

export function send(
  reply: FastifyReply,
  answer: { status: number; headers: Record<string, string>; body: string },
) {
  return reply.code(answer.status).headers(answer.headers).send(answer.body);
}

/**
 * The receiver's answer to an error Fastify or a route raised: a 4xx keeps its status and says why; anything else is
 * a 500 that names nothing internal (the message goes to the log only). One rule for the app and its form routes.
 */
export function sendError(
  reply: FastifyReply,
  error: { statusCode?: number; validation?: unknown; message: string },
  log: (message: string) => void,
) {
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
}

export const readApiPlugin: FastifyPluginAsync<ReadApiOptions> = async (app, { read, retryAfterSeconds }) => {
  const unavailable = (reply: FastifyReply) =>
    send(
      reply,
      problemOf(
        503,
        "storage_unavailable",
        "The database does not answer; retry later.",
        {},
        {
          "retry-after": String(retryAfterSeconds),
        },
      ),
    );

  app.get("/livez", { schema: routeSchema("liveness") }, async () => ({ status: "ok" }));
  app.get("/healthz", { schema: routeSchema("health") }, async (_request, reply) => {
    try {
      return { status: "ok", pending: await read.pending() };
    } catch {
      return unavailable(reply);
    }
  });
  app.get("/api/meetings", { schema: routeSchema("listMeetings") }, async (request) => {
    const q = request.query as Query;
    return {
      meetings: await read.listMeetings({
        provider: q.provider as string | undefined,
        status: q.status as string | undefined,
        limit: (q.limit as number | undefined) ?? 50,
      }),
    };
  });
  app.get("/api/meetings/:id", { schema: routeSchema("getMeeting") }, async (request, reply) => {
    const { id } = request.params as { id: number };
    const meeting = await read.getMeeting(id);
    return meeting ?? send(reply, problemOf(404, "not_found", `No meeting ${id}.`));
  });
  app.get("/api/deliveries", { schema: routeSchema("listDeliveries") }, async (request) => {
    const q = request.query as Query;
    return {
      deliveries: await read.listDeliveries({
        state: q.state as DeliveryFilter["state"],
        status: q.status as DeliveryFilter["status"],
        provider: q.provider as string | undefined,
        event: q.event as string | undefined,
        before: q.before as string | undefined,
        limit: (q.limit as number | undefined) ?? 50,
      }),
      rejected: await read.refusals(),
    };
  });
  app.get("/api/drift", { schema: routeSchema("getDrift") }, async (request) => {
    const q = request.query as Query;
    // Stored times are compared as instants: a since with an offset means the same moment in UTC.
    const since = q.since === undefined ? undefined : new Date(String(q.since)).toISOString();
    return driftSummary(read, { since, provider: q.provider as Provider | undefined });
  });
};
