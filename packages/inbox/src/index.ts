// @meeting-webhooks/inbox: a durable inbox for webhook deliveries. `createInbox({ webhooks, database })` stores each
// authentic delivery (SQLite or PostgreSQL) before answering 202, and `start()` runs the same typed handlers from a
// queue: at least once, in order per meeting, with retries, leases and a dead state. See README.md.
export type { Backoff } from "./backoff.js";
export { createInbox, type Inbox } from "./inbox.js";
export type {
  DeliveryDetail,
  DeliveryFilter,
  DeliveryRecord,
  DeliveryState,
  DeliveryStatus,
  InboxCounts,
} from "./operations/read.js";
export { InboxConfigError, type InboxConfigErrorCode, type InboxOptions } from "./options.js";
