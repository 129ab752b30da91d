// @meeting-webhooks/receive: what a receiver calls on every delivery. Framework-agnostic: give it the raw body
// (bytes or the exact text) and the headers; get a typed event, or an error that says which stage refused it.
export type { SchemaIssue } from "@meeting-webhooks/specs/errors";
export type { Body, HeadersLike } from "./headers.js";
export {
  type CronofyDeliveryOptions,
  deliveryKeyOf,
  type MeetingBaasDeliveryOptions,
  meetingBaasChannelOf,
  type ParsedEvent,
  type ParseError,
  type ParseErrorCode,
  type ParseResult,
  parseCronofyDelivery,
  parseMeetingBaasDelivery,
  type UnknownEvent,
} from "./parse.js";
export {
  type ArtifactName,
  artifactSchemas,
  type DetectedEvent,
  detectEvent,
  envelopeSchemaOf,
  type PayloadValidation,
  unknownEventIssue,
  type ValidationOutcome,
  validateArtifact,
  validateEnvelope,
  validatePayload,
  validateSchema,
} from "./validate.js";
export {
  type CronofyVerifyOptions,
  cronofySignatureHeader,
  defaultToleranceSeconds,
  type MeetingBaasCallbackVerifyOptions,
  meetingBaasSecretHeader,
  type StandardWebhookVerifyOptions,
  svixHeaders,
  verifyCronofySignature,
  verifyMeetingBaasCallback,
  verifyStandardWebhook,
} from "./verify.js";
export type { VerifyFailure, VerifyFailureCode, VerifyResult, VerifySuccess } from "./verify-error.js";
