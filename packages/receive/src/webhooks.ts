// One object per receiver: secrets checked and prepared once at construction, a handler per event with the payload
// type narrowed by the event's name, and one mapping from what happened to the HTTP status to answer.
import type {
  AnyWebhookEvent,
  Channel,
  EventName,
  KnownWebhookEvent,
  Provider,
  UnknownWebhookEvent,
} from "@meeting-webhooks/types";
import type { Body, HeadersLike } from "./headers.js";
import {
  type BodyError,
  type ContractError,
  checkPayload,
  createCronofyParser,
  createMeetingBaasParser,
  type DeliveryParser,
  type ParseError,
  type ParseResult,
} from "./parse.js";
import { webhookSigningKey } from "./verify.js";
import { secretList } from "./verify-error.js";

type Secrets = string | readonly string[];

export interface MeetingWebhooksOptions {
  /** Cronofy Meeting Agent callbacks: the application's client secret(s), several while rotating. */
  cronofy?: { clientSecrets: Secrets };
  /**
   * Meeting BaaS: the secret(s) given when creating bots (`x-mb-secret` on per-bot callbacks) and/or the account
   * webhook signing secret(s) (`whsec_…`, Svix). At least one of the two.
   */
  meetingbaas?: { callbackSecrets?: Secrets; webhookSecret?: Secrets; toleranceSeconds?: number };
  /** The clock for Svix timestamps, in milliseconds since the epoch (default `Date.now`); for tests and replays. */
  now?: () => number;
}

export type ConfigErrorCode =
  | "no_provider"
  | "no_secret"
  | "empty_secret"
  | "invalid_secret"
  | "invalid_option";

/** Thrown by `createMeetingWebhooks` for options that could never verify a delivery; says which option and why. */
export class MeetingWebhooksConfigError extends Error {
  override name = "MeetingWebhooksConfigError";
  constructor(
    readonly code: ConfigErrorCode,
    /** JSON pointer of the offending option, e.g. `/meetingbaas/webhookSecret/1`. */
    readonly pointer: string,
    message: string,
  ) {
    super(`${message} (${code} at ${pointer || "/"})`);
  }
}

/** One or more handlers threw: answer 500 so that the provider retries. */
export interface HandlerError {
  stage: "handler";
  code: "handler_failed";
  message: string;
  /** The event (or, for a refused delivery kept by an `onError` handler, the refusal) whose handling failed. */
  event: AnyWebhookEvent | ParseError;
  /** What each failing handler threw. */
  errors: unknown[];
}

/**
 * The delivery could not be stored: an inbox's database does not answer. Answer 503 with `Retry-After`; nothing was
 * acknowledged, so the provider sends it again.
 */
export interface UnavailableError {
  stage: "unavailable";
  code: "storage_unavailable";
  message: string;
  /** How long the provider should wait before trying again (the `Retry-After` header). */
  retryAfterSeconds: number;
}

/** Refused before the body was read, by an adapter: not `application/json`, too large, or a method not taken. */
export interface RequestError {
  stage: "request";
  code: "unsupported_media_type" | "body_too_large" | "method_not_allowed";
  message: string;
}

export type ReceiveError = ParseError | HandlerError | RequestError | UnavailableError;
/**
 * What happened to a delivery. From an inbox, `event.deliveryId` (or `error.deliveryId` for a quarantined one) is
 * where it was stored, and `duplicate` says it had been stored before (it is not stored or handled again).
 */
export type ReceiveResult =
  | { ok: true; event: AnyWebhookEvent; duplicate?: boolean }
  | { ok: false; error: ReceiveError; duplicate?: boolean };

/** A delivery as an inbox stored it, to be handled again from the queue. */
export interface StoredDelivery {
  provider: Provider;
  channel: Channel;
  /** The stored body, parsed (an object); anything else is refused as a body error. */
  payload: unknown;
  deliveryKey: string;
  /** Where the inbox stored it. */
  deliveryId?: string;
  /** Which run of the handlers this is, 1 the first. */
  attempt?: number;
  /** When it was stored (RFC 3339). */
  receivedAt?: string;
}

/** What `dispatch` did: the handlers ran; or the stored body no longer meets the contract; or a handler threw. */
export type DispatchResult =
  | { ok: true; event: AnyWebhookEvent }
  | { ok: false; error: BodyError | ContractError | HandlerError };

/**
 * The HTTP status to answer for a delivery's outcome, the one mapping every adapter and the sample receiver use:
 * 202 when it was handled, and for an authentic delivery that breaks its envelope or schema (it was handed to
 * `onError` to keep; a retry would not mend it); 401 not authentic; 400 not a JSON object; 413 and 415 refused
 * before reading; 405 a method the route does not take; 500 when a handler threw, so that the provider retries.
 */
export function httpStatusOf(result: ReceiveResult | ParseResult): number {
  if (result.ok) return 202;
  const { error } = result;
  switch (error.stage) {
    case "signature":
      return 401;
    case "body":
      return 400;
    case "envelope":
    case "schema":
      return 202;
    case "handler":
      return 500;
    case "unavailable":
      return 503;
    case "request":
      return error.code === "body_too_large" ? 413 : error.code === "unsupported_media_type" ? 415 : 405;
  }
}

export interface ReceiveOptions {
  provider: Provider;
  /** Meeting BaaS only: the channel this endpoint takes; deliveries signed for the other one are refused. */
  channel?: Channel;
  /** The raw body exactly as received. */
  body: Body;
  headers: HeadersLike;
}

type Handler<E> = (event: E) => unknown;
type EventNames<N extends EventName> = N | readonly N[];

/**
 * What the framework adapters mount: anything that takes a delivery and says what happened. A webhooks object
 * handles it in the request; an inbox (`@meeting-webhooks/inbox`) stores it and handles it later.
 */
export interface WebhookReceiver {
  /** Take one delivery; never throws. `answerOf(result)` is the HTTP answer. */
  receive(options: ReceiveOptions): Promise<ReceiveResult>;
  /** The providers it was configured for. */
  readonly providers: readonly Provider[];
}

export interface MeetingWebhooks extends WebhookReceiver {
  /** Run `handler` for the named event(s); its argument's `payload` is narrowed by the name. */
  on<N extends EventName>(names: EventNames<N>, handler: Handler<KnownWebhookEvent<N>>): this;
  /** Run `handler` for every accepted delivery, known or unknown (`event.known` tells). */
  onAny(handler: Handler<AnyWebhookEvent>): this;
  /** Run `handler` for a new event name inside a well-formed envelope. */
  onUnknown(handler: Handler<UnknownWebhookEvent>): this;
  /**
   * Run `handler` for every refusal and failed handler: switch on `error.stage`. Keep `envelope` and `schema`
   * refusals here (quarantine): they are answered 2xx. If an error handler throws, the answer becomes 500.
   */
  onError(handler: Handler<ReceiveError>): this;
  /** Remove a handler added with `on` (same names), `onAny` (`"*"`), `onUnknown` (`"unknown"`) or `onError` (`"error"`). */
  removeListener<N extends EventName>(names: EventNames<N>, handler: Handler<KnownWebhookEvent<N>>): this;
  removeListener(names: "*", handler: Handler<AnyWebhookEvent>): this;
  removeListener(names: "unknown", handler: Handler<UnknownWebhookEvent>): this;
  removeListener(names: "error", handler: Handler<ReceiveError>): this;
  /** Verify, parse and validate a delivery, then run its handlers. Never throws; `httpStatusOf(result)` answers. */
  receive(options: ReceiveOptions): Promise<ReceiveResult>;
  /** Verify, parse and validate a delivery without running any handler: what an inbox stores. Never throws. */
  parse(options: ReceiveOptions): ParseResult;
  /**
   * Run the handlers for a stored delivery, as `receive` would have: its payload is checked against the contract
   * again first (never cast), a body that no longer meets it goes to the `onError` handlers, and the event carries
   * `deliveryId` and `attempt`. Never throws.
   */
  dispatch(stored: StoredDelivery): Promise<DispatchResult>;
  /** The providers this object was given secrets for. */
  readonly providers: readonly Provider[];
}

function checkSecrets(secrets: Secrets | undefined, pointer: string, what: string): string[] {
  if (secrets === undefined) return [];
  const list = typeof secrets === "string" ? [secrets] : [...secrets];
  if (list.length === 0)
    throw new MeetingWebhooksConfigError("no_secret", pointer, `${what}: the list is empty`);
  list.forEach((secret, index) => {
    if (typeof secret !== "string" || secret.length === 0) {
      const at = typeof secrets === "string" ? pointer : `${pointer}/${index}`;
      throw new MeetingWebhooksConfigError("empty_secret", at, `${what}: a secret is empty`);
    }
  });
  return secretList(list);
}

/**
 * Build the receiver's webhook object once, with every secret: the secrets are checked and turned into keys here, so
 * that a mistake fails at start-up with the option's pointer instead of as 401s later.
 */
export function createMeetingWebhooks(options: MeetingWebhooksOptions): MeetingWebhooks {
  if (!options || (options.cronofy === undefined && options.meetingbaas === undefined)) {
    throw new MeetingWebhooksConfigError(
      "no_provider",
      "",
      "Configure at least one provider: { cronofy: { clientSecrets } } and/or { meetingbaas: { callbackSecrets, webhookSecret } }",
    );
  }
  const parsers: { cronofy?: DeliveryParser; meetingbaas?: ReturnType<typeof createMeetingBaasParser> } = {};
  if (options.cronofy !== undefined) {
    const secrets = checkSecrets(
      options.cronofy.clientSecrets,
      "/cronofy/clientSecrets",
      "Cronofy client secrets",
    );
    if (secrets.length === 0) {
      throw new MeetingWebhooksConfigError(
        "no_secret",
        "/cronofy/clientSecrets",
        "Cronofy needs its client secret",
      );
    }
    parsers.cronofy = createCronofyParser(secrets);
  }
  if (options.meetingbaas !== undefined) {
    const mb = options.meetingbaas;
    const callbackSecrets = checkSecrets(
      mb.callbackSecrets,
      "/meetingbaas/callbackSecrets",
      "Meeting BaaS callback secrets",
    );
    const webhookSecrets = checkSecrets(
      mb.webhookSecret,
      "/meetingbaas/webhookSecret",
      "Meeting BaaS webhook secrets",
    );
    if (callbackSecrets.length === 0 && webhookSecrets.length === 0) {
      throw new MeetingWebhooksConfigError(
        "no_secret",
        "/meetingbaas",
        "Meeting BaaS needs callbackSecrets (bot callbacks, x-mb-secret) and/or webhookSecret (account webhooks, whsec_…)",
      );
    }
    webhookSecrets.forEach((secret, index) => {
      if (!webhookSigningKey(secret)) {
        const pointer =
          typeof mb.webhookSecret === "string"
            ? "/meetingbaas/webhookSecret"
            : `/meetingbaas/webhookSecret/${index}`;
        throw new MeetingWebhooksConfigError(
          "invalid_secret",
          pointer,
          "A Meeting BaaS webhook secret is `whsec_` followed by base64: copy it again from the dashboard, without whitespace",
        );
      }
    });
    if (
      mb.toleranceSeconds !== undefined &&
      !(Number.isFinite(mb.toleranceSeconds) && mb.toleranceSeconds >= 0)
    ) {
      throw new MeetingWebhooksConfigError(
        "invalid_option",
        "/meetingbaas/toleranceSeconds",
        "toleranceSeconds must be a number of seconds, 0 or more",
      );
    }
    parsers.meetingbaas = createMeetingBaasParser({
      callbackSecrets,
      webhookSecrets,
      ...(mb.toleranceSeconds === undefined ? {} : { toleranceSeconds: mb.toleranceSeconds }),
      ...(options.now ? { now: options.now } : {}),
    });
  }

  const byName = new Map<string, Handler<never>[]>();
  const anyHandlers: Handler<AnyWebhookEvent>[] = [];
  const unknownHandlers: Handler<UnknownWebhookEvent>[] = [];
  const errorHandlers: Handler<ReceiveError>[] = [];
  const namesOf = (names: string | readonly string[]) => (typeof names === "string" ? [names] : names);
  const remove = <T>(list: T[], item: T) => {
    const index = list.indexOf(item);
    if (index !== -1) list.splice(index, 1);
  };

  async function run<E>(handlers: readonly Handler<E>[], event: E): Promise<unknown[]> {
    const settled = await Promise.allSettled(handlers.map(async (handler) => handler(event)));
    return settled.flatMap((outcome) => (outcome.status === "rejected" ? [outcome.reason] : []));
  }

  function handlerError(
    event: AnyWebhookEvent | ParseError,
    errors: unknown[],
  ): { ok: false; error: HandlerError } {
    const first = errors[0];
    const why = first instanceof Error ? first.message : String(first);
    return {
      ok: false,
      error: {
        stage: "handler",
        code: "handler_failed",
        message: `${errors.length} handler(s) failed (first: ${why}); answer 500 so that the provider retries.`,
        event,
        errors,
      },
    };
  }

  /** The handlers of a parsed (or re-checked) delivery: its event's, or the error handlers for a refusal. */
  async function handle(parsed: ParseResult): Promise<ReceiveResult> {
    if (!parsed.ok) {
      const failed = await run(errorHandlers, parsed.error);
      return failed.length > 0 ? handlerError(parsed.error, failed) : parsed;
    }
    const { event } = parsed;
    const failed = event.known
      ? await run([...(byName.get(event.name) ?? []), ...anyHandlers] as Handler<AnyWebhookEvent>[], event)
      : await run([...unknownHandlers, ...anyHandlers] as Handler<AnyWebhookEvent>[], event);
    if (failed.length === 0) return { ok: true, event };
    const result = handlerError(event, failed);
    await run(errorHandlers, result.error);
    return result;
  }

  function parse(request: ReceiveOptions): ParseResult {
    if (request.provider === "cronofy") {
      return parsers.cronofy ? parsers.cronofy(request.body, request.headers) : notConfigured("Cronofy");
    }
    return parsers.meetingbaas
      ? parsers.meetingbaas(request.body, request.headers, request.channel)
      : notConfigured("Meeting BaaS");
  }

  const webhooks: MeetingWebhooks = {
    providers: Object.keys(parsers) as Provider[],
    on(names, handler) {
      for (const name of namesOf(names))
        byName.set(name, [...(byName.get(name) ?? []), handler as Handler<never>]);
      return this;
    },
    onAny(handler) {
      anyHandlers.push(handler);
      return this;
    },
    onUnknown(handler) {
      unknownHandlers.push(handler);
      return this;
    },
    onError(handler) {
      errorHandlers.push(handler);
      return this;
    },
    removeListener(names: string | readonly string[], handler: Handler<never>) {
      for (const name of namesOf(names)) {
        if (name === "*") remove(anyHandlers, handler as Handler<AnyWebhookEvent>);
        else if (name === "unknown") remove(unknownHandlers, handler as Handler<UnknownWebhookEvent>);
        else if (name === "error") remove(errorHandlers, handler as Handler<ReceiveError>);
        else {
          const list = byName.get(name);
          if (list) remove(list, handler);
        }
      }
      return this;
    },
    parse,
    receive: async (request) => handle(parse(request)),
    async dispatch(stored) {
      const { payload } = stored;
      if (typeof payload !== "object" || payload === null || Array.isArray(payload)) {
        return handle({
          ok: false,
          error: {
            stage: "body",
            code: "not_an_object",
            message: "The stored body is not a JSON object.",
            payload,
          },
        }) as Promise<DispatchResult>;
      }
      const checked = checkPayload(
        stored.provider,
        stored.channel,
        payload as Record<string, unknown>,
        stored.deliveryKey,
      );
      const run = checked.ok
        ? { ok: true as const, event: { ...checked.event, ...inboxFacts(stored) } as AnyWebhookEvent }
        : {
            ok: false as const,
            error: { ...checked.error, ...(stored.deliveryId ? { deliveryId: stored.deliveryId } : {}) },
          };
      return handle(run) as Promise<DispatchResult>;
    },
  } as MeetingWebhooks;
  return webhooks;
}

function notConfigured(provider: string): ParseResult {
  return {
    ok: false,
    error: {
      stage: "signature",
      code: "no_secret_configured",
      message: `No ${provider} secret was given to createMeetingWebhooks, so no ${provider} delivery can be verified.`,
    },
  };
}

/** The facts an inbox adds to a stored delivery's event. */
function inboxFacts(stored: StoredDelivery): { deliveryId?: string; attempt?: number; receivedAt?: string } {
  return {
    ...(stored.deliveryId === undefined ? {} : { deliveryId: stored.deliveryId }),
    ...(stored.attempt === undefined ? {} : { attempt: stored.attempt }),
    ...(stored.receivedAt === undefined ? {} : { receivedAt: stored.receivedAt }),
  };
}
