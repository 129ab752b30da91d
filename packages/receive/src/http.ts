// What every framework adapter shares: the routes under a prefix, the checks made before reading a body, and the
// answer written for a result. The adapters only move bytes between their framework and these functions.
import type { Channel, Provider } from "@meeting-webhooks/types";
import { type Answer, problemOf } from "./problem.js";
import { httpStatusOf, type ReceiveResult, type RequestError } from "./webhooks.js";

export type { Answer } from "./problem.js";

export interface AdapterOptions {
  /** Where the routes live: `${path}/cronofy`, `${path}/meetingbaas`, `${path}/meetingbaas/callback`. Default `/webhooks`. */
  path?: string;
  /** Largest body accepted, in bytes (default 1 MiB); larger ones are refused with 413 before they are read. */
  bodyLimit?: number;
}

export const defaultBodyLimit = 1024 * 1024;

export interface Route {
  provider: Provider;
  channel: Channel;
  /** Methods the provider uses on this route: Meeting BaaS callbacks may be configured as PUT. */
  methods: readonly string[];
}

/** The routes under a prefix, as the sample receiver has them. */
export function webhookRoutes(path = "/webhooks"): Map<string, Route> {
  const prefix = path.endsWith("/") ? path.slice(0, -1) : path;
  return new Map<string, Route>([
    [`${prefix}/cronofy`, { provider: "cronofy", channel: "callback", methods: ["POST"] }],
    [`${prefix}/meetingbaas`, { provider: "meetingbaas", channel: "webhook", methods: ["POST"] }],
    [
      `${prefix}/meetingbaas/callback`,
      { provider: "meetingbaas", channel: "callback", methods: ["POST", "PUT"] },
    ],
  ]);
}

function requestError(code: RequestError["code"], message: string): ReceiveResult {
  return { ok: false, error: { stage: "request", code, message } };
}

/**
 * The refusal to answer before reading the body, if any: a method the route does not take, a content type other
 * than JSON, or a declared length over the limit.
 */
export function refuseBeforeReading(
  route: Route,
  method: string,
  contentType: string | null | undefined,
  contentLength: string | null | undefined,
  bodyLimit: number,
): ReceiveResult | undefined {
  if (!route.methods.includes(method.toUpperCase())) {
    return requestError(
      "method_not_allowed",
      `This route takes ${route.methods.join(" or ")}, not ${method}.`,
    );
  }
  if (!/^application\/json\s*(;|$)/i.test(contentType ?? "")) {
    return requestError(
      "unsupported_media_type",
      `Deliveries are application/json, got ${JSON.stringify(contentType || "nothing")}.`,
    );
  }
  if (contentLength && Number(contentLength) > bodyLimit) return tooLarge(bodyLimit);
  return undefined;
}

export function tooLarge(bodyLimit: number): ReceiveResult {
  return requestError("body_too_large", `The body is larger than the ${bodyLimit}-byte limit.`);
}

/** From an inbox: where the delivery was stored, and whether it had been before. */
function storedFacts(deliveryId: string | undefined, duplicate: boolean | undefined) {
  return {
    ...(deliveryId === undefined ? {} : { deliveryId }),
    ...(duplicate ? { duplicate: true } : {}),
  };
}

/**
 * The answer for a result, the one builder every adapter, the sample receiver and the mocks' contract receiver use:
 * 202 with `{status, deliveryKey}` (`accepted`, `unknown` or `quarantined`; from an inbox also `deliveryId` and
 * `duplicate`), or an RFC 9457 problem document with the failure's `code` (503 with `Retry-After` when an inbox
 * could not store it).
 */
export function answerOf(result: ReceiveResult, route?: Route): Answer {
  const status = httpStatusOf(result);
  if (result.ok) {
    return json(status, {
      status: result.event.known ? "accepted" : "unknown",
      deliveryKey: result.event.deliveryKey,
      ...storedFacts(result.event.deliveryId, result.duplicate),
    });
  }
  const { error } = result;
  if (error.stage === "envelope" || error.stage === "schema") {
    return json(status, {
      status: "quarantined",
      deliveryKey: error.deliveryKey,
      ...storedFacts(error.deliveryId, result.duplicate),
      code: error.code,
      issues: error.issues,
    });
  }
  const headers: Record<string, string> = {};
  if (error.stage === "request" && error.code === "method_not_allowed" && route) {
    headers.allow = route.methods.join(", ");
  }
  if (error.stage === "unavailable") headers["retry-after"] = String(error.retryAfterSeconds);
  const detail =
    error.stage === "handler"
      ? "A handler failed; the delivery was not handled. The provider will retry."
      : error.message;
  return problemOf(status, error.code, detail, {}, headers);
}

/** The 404 of an adapter for a path it does not route. */
export function notFound(pathname: string): Answer {
  return problemOf(404, "not_found", `No webhook route ${pathname}.`);
}

function json(status: number, body: unknown): Answer {
  return { status, headers: { "content-type": "application/json" }, body: JSON.stringify(body) };
}
