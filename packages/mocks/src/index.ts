// @meeting-webhooks/mocks: test doubles for Cronofy Meeting Agents and Meeting BaaS v2 webhooks, generated from or
// checked against the contracts. This entry (fixtures, signed deliveries, the delivery simulator) runs in browsers
// too; MSW handlers are in `@meeting-webhooks/mocks/msw`, the Prism launcher in `@meeting-webhooks/mocks/prism`.
export { apiRoutes, webhookCatalog } from "./contract.gen.js";
export {
  buildDelivery,
  type CronofyDeliveryOptions,
  cronofySignature,
  type Delivery,
  type DeliveryOptions,
  eventNameOf,
  type MeetingBaasCallbackOptions,
  type MeetingBaasWebhookOptions,
  svixMessageId,
} from "./delivery.js";
export { devSecrets } from "./dev-secrets.js";
export {
  cronofy,
  defaultFixtureTime,
  type Factory,
  type FactoryOptions,
  factoryFor,
  factoryName,
  meetingbaas,
} from "./factories/index.js";
export {
  cronofyDownloadHost,
  meetingBaasArtifactHost,
  presignedUrlExpiry,
} from "./factories/presigned.js";
export { type DeepPartial, deepMerge } from "./merge.js";
export { createRandom, type Random, type Seed } from "./random.js";
export {
  type AttemptRecord,
  type BatchOptions,
  type Clock,
  type DeliverOptions,
  type DeliveryReport,
  deliver,
  deliverBatch,
  type FetchHandler,
  planBatch,
  type RetryPolicy,
  retryPolicies,
  retryPolicyFor,
  systemClock,
  virtualClock,
} from "./simulate.js";
