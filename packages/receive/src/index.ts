// @meeting-webhooks/receive: what a receiver calls on every delivery. Framework-agnostic: give it the raw body
// (bytes or the exact text) and the headers; get a typed event, or an error that says which stage refused it.
// The low-level pieces have their own entries: `/verify` (signature verifiers), `/validate` (contract validators),
// and the framework adapters `/node`, `/fastify` and `/fetch`.
export type { SchemaIssue } from "@meeting-webhooks/specs/errors";
// The one event shape, defined in @meeting-webhooks/types and used from parse to handler to inbox.
export type {
  AnyWebhookEvent,
  ContractIssue,
  DeliveryFacts,
  KnownWebhookEvent,
  UnknownWebhookEvent,
} from "@meeting-webhooks/types";
export { type Body, bodyBytes, type HeadersLike, headerValue } from "./headers.js";
// For writing an adapter for another framework: the routes, the refusals made before reading, the answer to write.
export {
  type AdapterOptions,
  type Answer,
  answerOf,
  defaultBodyLimit,
  notFound,
  type Route,
  refuseBeforeReading,
  tooLarge,
  webhookRoutes,
} from "./http.js";
export {
  type BodyError,
  type BodyErrorCode,
  type CheckResult,
  type ContractError,
  type CronofyDeliveryOptions,
  checkPayload,
  createCronofyParser,
  createMeetingBaasParser,
  type DeliveryParser,
  deliveryKeyOf,
  type EnvelopeError,
  type MeetingBaasDeliveryOptions,
  meetingBaasChannelOf,
  type ParseError,
  type ParseErrorCode,
  type ParseResult,
  parseCronofyDelivery,
  parseMeetingBaasDelivery,
  parseVerifiedBody,
  type SchemaError,
  type SignatureError,
} from "./parse.js";
export { problemOf } from "./problem.js";
export { meetingIdOf, subjectOf } from "./subject.js";
export type { VerifyFailureCode } from "./verify-error.js";
export {
  type ConfigErrorCode,
  createMeetingWebhooks,
  type DispatchResult,
  type HandlerError,
  httpStatusOf,
  type MeetingWebhooks,
  MeetingWebhooksConfigError,
  type MeetingWebhooksOptions,
  type ReceiveError,
  type ReceiveOptions,
  type ReceiveResult,
  type RequestError,
  type StoredDelivery,
  type UnavailableError,
  type WebhookReceiver,
} from "./webhooks.js";
