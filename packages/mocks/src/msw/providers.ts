// MSW handlers for the provider HTTP surfaces a webhook consumer calls next, routed by the table generated from
// `specs/<provider>/api.yaml`: Cronofy resource downloads, Meeting BaaS signed artifact URLs, and
// `retry-callback`/`resend-webhook`, which send a fresh signed delivery to a registered receiver.
import type {
  CronofyMeetingAgentTranscript,
  MeetingBaasChatMessages,
  MeetingBaasDiarizationSegment,
  MeetingBaasOutputTranscription,
  MeetingBaasRawTranscription,
} from "@meeting-webhooks/types";
import { type HttpHandler, HttpResponse, http } from "msw";
import { apiRoutes } from "../contract.gen.js";
import { buildDelivery } from "../delivery.js";
import { cronofy, meetingbaas } from "../factories/index.js";
import {
  cronofyDownloadHost,
  cronofyUrlLifetimeSeconds,
  presignedUrl,
  presignedUrlExpiry,
} from "../factories/presigned.js";
import type { DeepPartial } from "../merge.js";
import { createRandom } from "../random.js";
import { type DeliveryReport, deliver, type FetchHandler } from "../simulate.js";
import { standIns } from "./media.js";
import { type Failure, failureResponse, storageError } from "./scenarios.js";

type RouteId = keyof typeof apiRoutes;

/** A mocked route: call it for the normal answer (with overrides), or `.fail()` for an unhappy path. */
export interface RouteMock<Overrides = never> {
  (...overrides: [Overrides] extends [never] ? [] : [overrides?: Overrides]): HttpHandler;
  fail(failure: Failure): HttpHandler;
}

/** What a bot has come to, for `retry-callback` and `resend-webhook`. */
export type BotOutcome = "bot.completed" | "bot.failed" | "pending" | "unknown";

export interface ReceiverRegistration {
  /** `callback_config.url` of every bot. Without it `retry-callback` answers 409 unless its body gives a URL. */
  callbackUrl?: string;
  /** `callback_config.secret`, sent in `x-mb-secret`. */
  callbackSecret?: string | null;
  callbackMethod?: "POST" | "PUT";
  /** The account's webhook endpoint. Without it `resend-webhook` answers 409. */
  webhookUrl?: string;
  /** Its signing secret, `whsec_…` (required with `webhookUrl`). */
  webhookSecret?: string;
  /** How to reach the receiver: a fetch-style handler called in-process (default: fetch the URL). */
  to?: FetchHandler;
}

export interface ProviderMockOptions {
  /** Cronofy API keys accepted as `Authorization: Bearer` (default: any non-empty key). */
  cronofyApiKeys?: readonly string[];
  /** Meeting BaaS API keys accepted in `x-meeting-baas-api-key` (default: any non-empty key). */
  meetingBaasApiKeys?: readonly string[];
  /**
   * The clock presigned URLs are signed and checked with. Without one no URL ever expires, so fixtures made for
   * any date keep working; give one (e.g. `() => Date.now()`) to test expiry.
   */
  now?: () => number;
  /** The receiver that `retry-callback` and `resend-webhook` deliver to. */
  receiver?: ReceiverRegistration;
  /** What each bot has come to (default: every bot completed). `unknown` answers 404, `pending` 409. */
  botOutcome?: (botId: string) => BotOutcome;
}

export interface ProviderMocks {
  /** Every route with its normal answer: `setupServer(...mocks.handlers)`. */
  handlers: HttpHandler[];
  cronofy: {
    /** `GET {resource.url}`: 302 to the presigned download URL; 401 without a valid API key. */
    resource: RouteMock;
    transcript: RouteMock<DeepPartial<CronofyMeetingAgentTranscript>>;
    audio: RouteMock;
    video: RouteMock;
  };
  meetingbaas: {
    transcription: RouteMock<DeepPartial<MeetingBaasOutputTranscription>>;
    rawTranscription: RouteMock<DeepPartial<MeetingBaasRawTranscription>>;
    /** The diarization file; overrides replace its segments. */
    diarization: RouteMock<MeetingBaasDiarizationSegment[]>;
    /** The chat messages file; overrides replace its messages. */
    chatMessages: RouteMock<MeetingBaasChatMessages>;
    audio: RouteMock;
    video: RouteMock;
    /** Every signed artifact URL answers 403 "Request has expired", as object storage does after 4 hours. */
    expired(): HttpHandler[];
    retryCallback: RouteMock;
    resendWebhook: RouteMock;
  };
  /** What `retry-callback` and `resend-webhook` sent, in order, with the receiver's answers. */
  deliveries: DeliveryReport[];
}

const compiled = new Map<RouteId, RegExp>();

/** A route of the generated table with its pattern compiled once (not on every mocked request). */
function route(id: RouteId) {
  let regexp = compiled.get(id);
  if (!regexp) {
    regexp = new RegExp(apiRoutes[id].pattern);
    compiled.set(id, regexp);
  }
  return { ...apiRoutes[id], regexp };
}

function paramsOf(id: RouteId, request: Request): Record<string, string> {
  const url = new URL(request.url);
  return { ...(route(id).regexp.exec(`${url.origin}${url.pathname}`)?.groups ?? {}) };
}

function mock<O>(
  id: RouteId,
  answer: (request: Request, overrides: O | undefined) => Promise<Response> | Response,
  failed: (failure: Failure) => Promise<Response> = failureResponse,
): RouteMock<O> {
  const { method, regexp } = route(id);
  const on = method === "GET" ? http.get : method === "POST" ? http.post : http.all;
  const make = ((overrides?: O) =>
    on(regexp, ({ request }) => answer(request, overrides))) as unknown as RouteMock<O>;
  make.fail = (failure) => on(regexp, () => failed(failure));
  return make;
}

function accepted(keys: readonly string[] | undefined, presented: string | null | undefined): boolean {
  if (!presented) return false;
  return keys === undefined || keys.includes(presented);
}

/** The category → download route, from the contract's paths on the storage host. */
const cronofyDownloads: Record<string, RouteId> = {
  transcript: "cronofyDownloadTranscript",
  audio: "cronofyDownloadAudio",
  video: "cronofyDownloadVideo",
};

export function createProviderMocks(options: ProviderMockOptions = {}): ProviderMocks {
  const deliveries: DeliveryReport[] = [];
  const now = () => (options.now ?? Date.now)();
  let sent = 0;

  /** Presigned URLs are refused when altered, and when expired if the mocks have a clock. */
  const refusal = (request: Request): Response | undefined => {
    const url = new URL(request.url);
    const expiry = presignedUrlExpiry(url);
    if (expiry === undefined) return storageError("Access Denied");
    if (options.now && options.now() > expiry) {
      return storageError("Request has expired", {
        "X-Amz-Expires": url.searchParams.get("X-Amz-Expires") ?? "",
        Expires: new Date(expiry).toISOString().replace(/\.\d{3}Z$/, "Z"),
        ServerTime: new Date(options.now()).toISOString().replace(/\.\d{3}Z$/, "Z"),
      });
    }
    return undefined;
  };

  /** A presigned download: refused when altered or expired, else the body for the bot (`bot_id`) or agent (`sub`). */
  const download = <O>(
    id: RouteId,
    param: "bot_id" | "sub",
    body: (owner: string, overrides: O | undefined) => Response,
  ) =>
    mock<O>(
      id,
      (request, overrides) => refusal(request) ?? body(paramsOf(id, request)[param] as string, overrides),
    );
  const cronofyDownload = <O>(id: RouteId, body: (sub: string, overrides: O | undefined) => Response) =>
    download<O>(id, "sub", body);
  const artifact = <O>(id: RouteId, body: (botId: string, overrides: O | undefined) => Response) =>
    download<O>(id, "bot_id", body);

  const resend = (id: "meetingBaasRetryCallback" | "meetingBaasResendWebhook") =>
    mock<never>(
      id,
      async (request) => {
        if (!accepted(options.meetingBaasApiKeys, request.headers.get("x-meeting-baas-api-key"))) {
          // The 403 the API-keys page documents (its migration guide maps an invalid or missing key to the same code).
          return meetingBaasError(403, "Forbidden", "FST_ERR_FORBIDDEN", "Forbidden");
        }
        const botId = paramsOf(id, request).bot_id as string;
        if (!uuidPattern.test(botId)) {
          return meetingBaasError(
            400,
            "Bad Request",
            "FST_ERR_VALIDATION",
            'params/bot_id must match format "uuid"',
          );
        }
        const outcome = options.botOutcome?.(botId) ?? "bot.completed";
        if (outcome === "unknown")
          return meetingBaasError(
            404,
            "Not Found",
            "FST_ERR_BOT_NOT_FOUND_BY_ID",
            `Bot with ID '${botId}' not found`,
          );
        if (outcome === "pending") return notPermitted(botId, "in_call_recording");
        const at = now();
        const fixture = { seed: `${botId}:${++sent}`, now: at };
        const payload =
          outcome === "bot.completed"
            ? meetingbaas.botCompleted({ data: { bot_id: botId } }, fixture)
            : meetingbaas.botFailed({ data: { bot_id: botId } }, fixture);
        const receiver = options.receiver ?? {};
        let delivery: Awaited<ReturnType<typeof buildDelivery>>;
        if (id === "meetingBaasRetryCallback") {
          const text = await request.text();
          const body = text.trim() === "" ? null : (JSON.parse(text) as unknown);
          if (body !== null && (typeof body !== "object" || Array.isArray(body) || !validRetryBody(body))) {
            return meetingBaasError(
              400,
              "Bad Request",
              "FST_ERR_VALIDATION",
              "body must be null or an object with a `url` (uri), `method` POST or PUT and `secret` string or null",
            );
          }
          const override = body as { url: string; method?: "POST" | "PUT"; secret?: string | null } | null;
          const url = override ? override.url : receiver.callbackUrl;
          // 409 when no callback was configured (the retry-callback operation of openapi-v2.json).
          if (!url) return notPermitted(botId, outcome === "bot.completed" ? "completed" : "failed");
          const method = override ? (override.method ?? "POST") : receiver.callbackMethod;
          delivery = await buildDelivery(payload, {
            provider: "meetingbaas",
            channel: "callback",
            url,
            secret: override ? (override.secret ?? null) : receiver.callbackSecret,
            ...(method ? { method } : {}),
          });
        } else {
          if (!receiver.webhookUrl || !receiver.webhookSecret) {
            return notPermitted(botId, outcome === "bot.completed" ? "completed" : "failed");
          }
          delivery = await buildDelivery(payload, {
            provider: "meetingbaas",
            channel: "webhook",
            url: receiver.webhookUrl,
            secret: receiver.webhookSecret,
            timestamp: at,
          });
        }
        const report = await deliver(delivery, receiver.to ? { to: receiver.to } : {});
        deliveries.push(report);
        const what = id === "meetingBaasRetryCallback" ? "Callback" : "Final webhook";
        return HttpResponse.json({ success: true, data: { message: `${what} sent for bot ${botId}` } });
      },
      // Failures answer with the provider's error body, not a problem document.
      meetingBaasFailure,
    );

  const resource = mock<never>("cronofyGetMeetingAgentResource", (request) => {
    const authorization = request.headers.get("authorization");
    const token = /^Bearer (.+)$/i.exec(authorization ?? "")?.[1];
    if (!accepted(options.cronofyApiKeys, token)) {
      return new HttpResponse(null, {
        status: 401,
        headers: { "www-authenticate": 'Bearer realm="Cronofy"' },
      });
    }
    const { sub, category } = paramsOf("cronofyGetMeetingAgentResource", request);
    const download = cronofyDownloads[category as string];
    if (!download || !/^agt_[A-Za-z0-9]+$/.test(sub as string))
      return new HttpResponse(null, { status: 404 });
    const path = apiRoutes[download].path.replace("{sub}", sub as string);
    const url = presignedUrl(
      cronofyDownloadHost,
      path,
      now(),
      cronofyUrlLifetimeSeconds,
      createRandom(`${sub}:${now()}`),
    );
    return HttpResponse.json(
      { resource: { download_url: url } },
      { status: 302, headers: { location: url } },
    );
  });

  const mocks: Omit<ProviderMocks, "handlers"> = {
    cronofy: {
      resource,
      transcript: cronofyDownload(
        "cronofyDownloadTranscript",
        (sub, overrides?: DeepPartial<CronofyMeetingAgentTranscript>) =>
          HttpResponse.json(cronofy.transcript({ ...overrides, meeting_agent: { sub } })),
      ),
      // Cronofy does not document the formats: stand-in bytes, served as the contract says (octet-stream).
      audio: cronofyDownload("cronofyDownloadAudio", () =>
        binary(standIns.mp3(), "application/octet-stream"),
      ),
      video: cronofyDownload("cronofyDownloadVideo", () =>
        binary(standIns.mp4(), "application/octet-stream"),
      ),
    },
    meetingbaas: {
      transcription: artifact(
        "meetingBaasDownloadTranscription",
        (botId, overrides?: DeepPartial<MeetingBaasOutputTranscription>) =>
          HttpResponse.json(meetingbaas.transcription({ ...overrides, bot_id: botId })),
      ),
      rawTranscription: artifact(
        "meetingBaasDownloadRawTranscription",
        (botId, overrides?: DeepPartial<MeetingBaasRawTranscription>) =>
          HttpResponse.json(meetingbaas.rawTranscription({ ...overrides, bot_id: botId })),
      ),
      diarization: artifact(
        "meetingBaasDownloadDiarization",
        (botId, segments?: MeetingBaasDiarizationSegment[]) =>
          HttpResponse.text(meetingbaas.toJsonLines(segments ?? meetingbaas.diarization({ botId })), {
            headers: { "content-type": "application/x-ndjson" },
          }),
      ),
      chatMessages: artifact("meetingBaasDownloadChatMessages", (botId, messages?: MeetingBaasChatMessages) =>
        HttpResponse.json(messages ?? meetingbaas.chatMessages({ botId })),
      ),
      audio: artifact("meetingBaasDownloadAudio", () => binary(standIns.flac(), "audio/flac")),
      video: artifact("meetingBaasDownloadVideo", () => binary(standIns.mp4(), "video/mp4")),
      expired: () =>
        (
          [
            "meetingBaasDownloadTranscription",
            "meetingBaasDownloadRawTranscription",
            "meetingBaasDownloadDiarization",
            "meetingBaasDownloadChatMessages",
            "meetingBaasDownloadAudio",
            "meetingBaasDownloadVideo",
          ] as const
        ).map((id) => http.get(route(id).regexp, () => storageError("Request has expired"))),
      retryCallback: resend("meetingBaasRetryCallback"),
      resendWebhook: resend("meetingBaasResendWebhook"),
    },
    deliveries,
  };
  const handlers = [
    ...Object.values(mocks.cronofy).map((make) => make()),
    ...Object.entries(mocks.meetingbaas)
      .filter(([name]) => name !== "expired")
      .map(([, make]) => (make as RouteMock)()),
  ];
  return { handlers, ...mocks };
}

function binary(body: ArrayBuffer, contentType: string): Response {
  return HttpResponse.arrayBuffer(body, { headers: { "content-type": contentType } });
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `RetryCallbackRequest` when a body is sent: `url` required, `method` and `secret` optional. */
function validRetryBody(body: object): boolean {
  const { url, method, secret } = body as Record<string, unknown>;
  return (
    typeof url === "string" &&
    URL.canParse(url) &&
    (method === undefined || method === "POST" || method === "PUT") &&
    (secret === undefined || secret === null || typeof secret === "string")
  );
}

/** Meeting BaaS's `ErrorResponse`: `success: false`, `error`, `code`, `statusCode`, and `message` when given. */
function meetingBaasError(
  status: number,
  error: string,
  code: string,
  message?: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Response {
  const body = { success: false, error, code, statusCode: status, ...(message ? { message } : {}), ...extra };
  return HttpResponse.json(body, { status, headers });
}

function notPermitted(botId: string, status: string): Response {
  return meetingBaasError(
    409,
    "Conflict",
    "FST_ERR_BOT_STATUS",
    `Status of bot '${botId}' is: ${status}. Operation not permitted in this state.`,
  );
}

/**
 * `.fail()` of `retry-callback` and `resend-webhook`. 429 is the documented rate-limit body; codes the provider does
 * not document are `STAND_IN_*`.
 */
async function meetingBaasFailure(failure: Failure): Promise<Response> {
  if (typeof failure !== "number") return failureResponse(failure);
  if (failure === 429) {
    return meetingBaasError(
      429,
      "Rate Limited",
      "FST_ERR_TOO_MANY_REQUESTS",
      // A pay-as-you-go team: 5 requests per second (deduplication-rate-limiting.mdx).
      "Rate limit exceeded. Maximum 5 requests per second allowed. Retry after 1 seconds",
      { retryAfter: 1 },
      { "retry-after": "1", "x-ratelimit-limit": "5", "x-ratelimit-remaining": "0" },
    );
  }
  const error = failure >= 500 ? "Internal Server Error" : "Mocked client error";
  return meetingBaasError(
    failure,
    error,
    `STAND_IN_${failure}`,
    "Answered by a @meeting-webhooks/mocks failure scenario.",
  );
}
