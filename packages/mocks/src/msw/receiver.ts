// A contract-checking mock receiver: MSW handlers for a receiver's webhook endpoints that verify and validate what
// a sender posts (with @meeting-webhooks/receive) and record it. For testing code that produces or relays
// deliveries: a proxy, a queue worker that forwards, a replay tool.
import type { ParseResult } from "@meeting-webhooks/receive";
import { problemOf } from "@meeting-webhooks/receive/problem";
import type { Provider } from "@meeting-webhooks/types";
import { type HttpHandler, HttpResponse, http } from "msw";
import { type Failure, failureResponse } from "./scenarios.js";

export interface ReceiverMockOptions {
  /** The receiver's origin, e.g. `https://app.test`. */
  baseUrl: string;
  /** Where each provider's deliveries arrive (defaults `/webhooks/cronofy` and `/webhooks/meetingbaas`). */
  paths?: { cronofy?: string; meetingbaas?: string };
  secrets: {
    /** Cronofy client secret(s). */
    cronofy?: string | readonly string[];
    /** Meeting BaaS callback secret(s), checked against `x-mb-secret`. */
    meetingBaasCallback?: string | readonly string[];
    /** Meeting BaaS webhook signing secret(s), `whsec_…`. */
    meetingBaasWebhook?: string | readonly string[];
  };
  /** The clock Svix timestamps are checked against (default `Date.now`). */
  now?: () => number;
}

export interface ReceivedDelivery {
  provider: Provider;
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  /** What @meeting-webhooks/receive made of it: the typed event, or the stage and reason it was refused at. */
  result: ParseResult;
  /** The status the mock answered. */
  status: number;
}

export interface ReceiverMock {
  handlers: HttpHandler[];
  /** Every delivery received, in order, accepted or not. */
  received: ReceivedDelivery[];
  /** Handlers that answer every delivery with a failure instead (after recording it): `server.use(...)`. */
  fail(failure: Failure): HttpHandler[];
}

/** A contract check answers what it found; a misshapen envelope breaks the contract as much as a misshapen event. */
const statusOf = { signature: 401, body: 400, envelope: 422, schema: 422 } as const;

export function createReceiverHandlers(options: ReceiverMockOptions): ReceiverMock {
  const received: ReceivedDelivery[] = [];
  const endpoints: [Provider, string][] = [
    ["cronofy", new URL(options.paths?.cronofy ?? "/webhooks/cronofy", options.baseUrl).href],
    ["meetingbaas", new URL(options.paths?.meetingbaas ?? "/webhooks/meetingbaas", options.baseUrl).href],
  ];

  const check = async (provider: Provider, request: Request): Promise<ReceivedDelivery> => {
    // Loaded on first use: verification needs node:crypto, which the browser entry of the handlers must not import.
    const receive = await import("@meeting-webhooks/receive");
    const bytes = new Uint8Array(await request.arrayBuffer());
    const headers = Object.fromEntries(request.headers);
    const result =
      provider === "cronofy"
        ? receive.parseCronofyDelivery({ body: bytes, headers, secrets: options.secrets.cronofy })
        : receive.parseMeetingBaasDelivery({
            body: bytes,
            headers,
            callbackSecrets: options.secrets.meetingBaasCallback,
            webhookSecrets: options.secrets.meetingBaasWebhook,
            ...(options.now ? { now: options.now } : {}),
          });
    const status = result.ok ? 204 : statusOf[result.error.stage];
    const delivery = {
      provider,
      method: request.method,
      url: request.url,
      headers,
      body: new TextDecoder().decode(bytes),
      result,
      status,
    };
    received.push(delivery);
    return delivery;
  };

  const answer = (delivery: ReceivedDelivery): Response => {
    if (delivery.result.ok) return new HttpResponse(null, { status: 204 });
    const { error } = delivery.result;
    const problem = problemOf(
      delivery.status,
      error.code,
      error.message,
      error.stage === "envelope" || error.stage === "schema" ? { issues: error.issues } : {},
    );
    return new HttpResponse(problem.body, { status: problem.status, headers: problem.headers });
  };

  const handlers = endpoints.flatMap(([provider, url]) =>
    (["post", "put"] as const).map((method) =>
      http[method](url, async ({ request }) => answer(await check(provider, request))),
    ),
  );
  const fail = (failure: Failure) =>
    endpoints.flatMap(([provider, url]) =>
      (["post", "put"] as const).map((method) =>
        http[method](url, async ({ request }) => {
          const delivery = await check(provider, request);
          if (typeof failure === "number") delivery.status = failure;
          return failureResponse(failure);
        }),
      ),
    );
  return { handlers, received, fail };
}
