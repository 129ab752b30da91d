// Replaying deliveries against a receiver as the providers do: one attempt, or the provider's retry schedule with
// an injectable clock (tests do not wait), duplicates and out-of-order batches for idempotency tests.
import { deliveryPolicies } from "./contract.gen.js";
import type { Delivery } from "./delivery.js";
import { createRandom, type Seed } from "./random.js";

/** A fetch-style handler: a receiver called in-process (Hono, itty-router, a Next.js route, an MSW-free test). */
export type FetchHandler = (request: Request) => Promise<Response>;

export interface RetryPolicy {
  /** Waits before the 2nd, 3rd, … attempt, in ms; attempts = waits + 1. */
  delaysMs: readonly number[];
  /** Which outcomes are retried. */
  retryOn: "network-or-5xx" | "non-2xx";
  /** ± this fraction of random jitter on each wait (0.2 = ±20 %); 0 for none. */
  jitter: number;
  /** Per-attempt timeout; an attempt that takes longer counts as a network error. */
  timeoutMs: number;
  /** After a 429 answer or a timeout, the next attempt waits at least this long, whatever the schedule says. */
  minDelayAfter429OrTimeoutMs: number;
}

type ContractPolicy = (typeof deliveryPolicies.meetingbaas)[keyof typeof deliveryPolicies.meetingbaas];

/** A policy as the contract states it (`components.x-delivery-policies`), in the simulator's units. */
function fromContract(policy: ContractPolicy): RetryPolicy {
  return {
    delaysMs: policy.delaysSeconds.map((seconds) => seconds * 1000),
    retryOn: policy.retryOn === "non-2xx" ? "non-2xx" : "network-or-5xx",
    jitter: policy.jitter,
    timeoutMs: policy.timeoutSeconds * 1000,
    minDelayAfter429OrTimeoutMs:
      "minDelayAfter429OrTimeoutSeconds" in policy ? policy.minDelayAfter429OrTimeoutSeconds * 1000 : 0,
  };
}

/**
 * How each provider retries, read from the contracts (`specs/meetingbaas/openapi.yaml`,
 * `components.x-delivery-policies`, from the provider's webhooks guide), so the simulator cannot drift from them.
 */
export const retryPolicies = {
  /** Meeting BaaS bot callbacks: 4 attempts, waiting 1 s, 5 s, 15 s; only after a network error, timeout or 5xx. */
  meetingBaasCallback: fromContract(deliveryPolicies.meetingbaas.callback),
  /**
   * Meeting BaaS account webhooks (through Svix): 7 attempts over about 3 hours, waiting 5 s, 10 s, 5 min, 15 min,
   * 30 min, 2 h (±20 % jitter), after anything but a 2xx; at least 60 s after a 429 or a timeout.
   */
  meetingBaasWebhook: fromContract(deliveryPolicies.meetingbaas.webhook),
  /** Cronofy publishes no retry policy: one attempt (the 30 s timeout is the simulator's own). */
  cronofy: { delaysMs: [], retryOn: "non-2xx", jitter: 0, timeoutMs: 30_000, minDelayAfter429OrTimeoutMs: 0 },
} as const satisfies Record<string, RetryPolicy>;

/** The policy the provider applies to a delivery of this kind. */
export function retryPolicyFor(delivery: Pick<Delivery, "provider" | "channel">): RetryPolicy {
  if (delivery.provider === "cronofy") return retryPolicies.cronofy;
  return delivery.channel === "callback"
    ? retryPolicies.meetingBaasCallback
    : retryPolicies.meetingBaasWebhook;
}

/** Time, injectable: tests pass a virtual clock so a 2-hour retry schedule takes no time. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** A clock whose `sleep` returns at once and moves `now` forward: for replaying long retry schedules in tests. */
export function virtualClock(start = Date.now()): Clock & { slept: number[] } {
  let now = start;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
    },
  };
}

export interface AttemptRecord {
  /** 1 for the first attempt. */
  attempt: number;
  /** When the attempt started (ms since the epoch, on the clock used). */
  startedAt: number;
  /** The response status, or undefined after a network error or timeout. */
  status: number | undefined;
  /** Why no response came: the error's message, or `timeout`. */
  error?: string;
  /**
   * The system error code behind a network error (`ECONNREFUSED`, `ECONNRESET`, …) when the runtime gives one: fetch
   * says only "fetch failed", and "nothing listens there" must be told apart from "it hung up".
   */
  errorCode?: string;
  /** Wall time the attempt took, in ms. */
  latencyMs: number;
  /** The response body as text (first 64 KiB). */
  responseBody?: string;
}

export interface DeliveryReport {
  delivery: Delivery;
  attempts: AttemptRecord[];
  /** True when the last attempt was answered 2xx. */
  ok: boolean;
  /** True when this is a repeat of an earlier delivery of the batch (`duplicates`). */
  duplicate: boolean;
}

export interface DeliverOptions {
  /** Where to send: a URL (default: the delivery's own `url`) or a fetch-style handler called in-process. */
  to?: string | FetchHandler;
  /**
   * Replay the provider's retries: true for the provider's policy (`retryPolicyFor`), a policy of your own, or
   * false/absent for a single attempt.
   */
  retry?: boolean | RetryPolicy;
  /** The clock that schedules retries and signs Svix attempts (default: the system clock). */
  clock?: Clock;
  /**
   * Multiplies every wait between attempts (not the timeout), so a test can replay the real schedule fast: 0.001
   * turns 5 s … 2 h into 5 ms … 7.2 s. Default 1. The clock still moves by the scaled waits.
   */
  timeScale?: number;
  /** Seed of the retry jitter. */
  seed?: Seed;
  /** The fetch used for URLs (default: the global fetch). */
  fetch?: typeof fetch;
}

function outcomeRetried(policy: RetryPolicy, record: AttemptRecord): boolean {
  if (record.status === undefined) return true;
  if (record.status >= 200 && record.status < 300) return false;
  return policy.retryOn === "non-2xx" || record.status >= 500;
}

/** `ECONNREFUSED` and the like, from an error or its `cause` (undici puts the socket's error there). */
function systemErrorCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && depth < 3; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && /^E[A-Z_]+$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

async function attempt(
  delivery: Delivery,
  number: number,
  options: DeliverOptions,
  timeoutMs: number,
): Promise<AttemptRecord> {
  const clock = options.clock ?? systemClock;
  const startedAt = clock.now();
  const began = performance.now();
  const target = options.to ?? delivery.url;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const init: RequestInit = {
      method: delivery.method,
      headers: delivery.headers,
      body: delivery.body,
      signal: controller.signal,
      redirect: "manual",
    };
    const response =
      typeof target === "function"
        ? await Promise.race([
            target(new Request(delivery.url, init)),
            new Promise<never>((_, reject) =>
              controller.signal.addEventListener("abort", () => reject(new Error("timeout"))),
            ),
          ])
        : await (options.fetch ?? fetch)(target, init);
    const text = await response.text();
    return {
      attempt: number,
      startedAt,
      status: response.status,
      latencyMs: performance.now() - began,
      responseBody: text.slice(0, 65_536),
    };
  } catch (error) {
    const code = controller.signal.aborted ? undefined : systemErrorCode(error);
    return {
      attempt: number,
      startedAt,
      status: undefined,
      error: controller.signal.aborted ? "timeout" : (error as Error).message,
      ...(code ? { errorCode: code } : {}),
      latencyMs: performance.now() - began,
    };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Sends one delivery, and with `retry` keeps retrying as the provider would until it is acknowledged or the
 * schedule runs out. Svix deliveries are signed again for each attempt at the clock's time, keeping their `svix-id`.
 */
export async function deliver(delivery: Delivery, options: DeliverOptions = {}): Promise<DeliveryReport> {
  const scale = options.timeScale ?? 1;
  if (!(Number.isFinite(scale) && scale >= 0)) {
    throw new RangeError(`timeScale must be a finite number ≥ 0 (1 for real time), got ${String(scale)}.`);
  }
  const policy: RetryPolicy =
    options.retry === true
      ? retryPolicyFor(delivery)
      : options.retry
        ? options.retry
        : { ...retryPolicyFor(delivery), delaysMs: [] };
  const clock = options.clock ?? systemClock;
  const jitter = createRandom(options.seed ?? delivery.headers["svix-id"] ?? delivery.body.length);
  const attempts: AttemptRecord[] = [];
  let current = delivery;
  for (let number = 1; ; number++) {
    if (number > 1 && current.resign) current = await current.resign(clock.now());
    const record = await attempt(current, number, options, policy.timeoutMs);
    attempts.push(record);
    const wait = policy.delaysMs[number - 1];
    if (wait === undefined || !outcomeRetried(policy, record)) break;
    const jittered = wait * (1 + policy.jitter * (jitter.next() * 2 - 1));
    const overloaded = record.status === 429 || record.error === "timeout";
    const due = overloaded ? Math.max(jittered, policy.minDelayAfter429OrTimeoutMs) : jittered;
    await clock.sleep(Math.round(due * scale));
  }
  const last = attempts[attempts.length - 1] as AttemptRecord;
  const ok = last.status !== undefined && last.status >= 200 && last.status < 300;
  return { delivery: current, attempts, ok, duplicate: false };
}

export interface BatchOptions extends DeliverOptions {
  /**
   * Redeliveries: a fraction in [0, 1) is the chance that each delivery is sent again (byte-identical, as after a
   * lost acknowledgement); a whole number ≥ 1 repeats every delivery that many extra times.
   */
  duplicates?: number;
  /** Send in a random order, as concurrent retries can arrive (default false: in the order given). */
  shuffle?: boolean;
  /** How many deliveries are in flight at once (default 1). */
  concurrency?: number;
  /** Called after each delivery, e.g. for a progress bar. */
  onReport?: (report: DeliveryReport, done: number, total: number) => void;
}

/** The batch as it will be sent: duplicates added, then shuffled if asked. Deterministic for a seed. */
export function planBatch<T>(
  items: readonly T[],
  options: Pick<BatchOptions, "duplicates" | "shuffle" | "seed">,
) {
  const random = createRandom(options.seed ?? 1);
  const duplicates = options.duplicates ?? 0;
  const planned: { item: T; duplicate: boolean }[] = [];
  for (const item of items) {
    planned.push({ item, duplicate: false });
    const repeats = duplicates >= 1 ? Math.floor(duplicates) : random.chance(duplicates) ? 1 : 0;
    for (let i = 0; i < repeats; i++) planned.push({ item, duplicate: true });
  }
  return options.shuffle ? random.sample(planned, planned.length) : planned;
}

/** Sends a batch with optional duplicates, shuffling and concurrency; one report per delivery sent, in send order. */
export async function deliverBatch(
  deliveries: readonly Delivery[],
  options: BatchOptions = {},
): Promise<DeliveryReport[]> {
  const plan = planBatch(deliveries, options);
  const reports: DeliveryReport[] = new Array(plan.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < plan.length) {
      const index = next++;
      const { item, duplicate } = plan[index] as (typeof plan)[number];
      const report = { ...(await deliver(item, options)), duplicate };
      reports[index] = report;
      options.onReport?.(report, ++done, plan.length);
    }
  };
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 1, plan.length)) }, worker),
  );
  return reports;
}
