// @meeting-webhooks/inbox: a durable inbox for webhook deliveries. `createInbox({ webhooks, database })` stores each
// authentic delivery (SQLite or PostgreSQL) before answering 202, and `start()` runs the same typed handlers from a
// queue: at least once, in order per meeting, with retries, leases and a dead state. It erases what finished
// deliveries said (`forget`, `retention`) and tells an observer what it did, for metrics. See README.md.
export type { Backoff } from "./backoff.js";
export { createInbox, type Inbox } from "./inbox.js";
export type {
  DeadFacts,
  FailedFacts,
  HandledFacts,
  InboxObserver,
  ReceivedFacts,
  RefusedFacts,
  RunFacts,
} from "./observer.js";
export {
  type AlsoErase,
  type ForgetFilter,
  type ForgetOptions,
  ForgetRefused,
  type ForgottenBy,
} from "./operations/forget.js";
export type {
  DeliveryDetail,
  DeliveryFilter,
  DeliveryRecord,
  DeliveryState,
  DeliveryStatus,
  Forgotten,
  InboxCounts,
} from "./operations/read.js";
export { InboxConfigError, type InboxConfigErrorCode, type InboxOptions } from "./options.js";
