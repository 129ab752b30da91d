// Grades an endpoint against how the providers really deliver: every scenario of the table is sent to the URL given
// (and nowhere else), and each answer is judged against what the provider needs, with the reason and the provider's
// documented consequence when it fails. No test framework: the result is data, for vitest, node:test or the CLI.

import { webhookSigningKey } from "@meeting-webhooks/receive/verify";
import type { Channel, Provider } from "@meeting-webhooks/types";
import { type AttemptRecord, deliver, retryPolicyFor } from "../simulate.js";
import { type Probe, type ProbeContext, probeBuilders } from "./probes.js";
import {
  type ConformanceScenario,
  type Expectation,
  forTarget,
  type ScenarioId,
  scenariosFor,
} from "./scenarios.js";
import {
  type ConformanceTarget,
  defaultChannel,
  deliveryConsequences,
  providerTimeoutMs,
  targetLabels,
  targetOf,
  timeoutIsDocumented,
} from "./targets.js";

export interface ConformanceOptions {
  /** The endpoint: every delivery goes there and nowhere else. */
  url: string;
  provider: Provider;
  /** Meeting BaaS: `webhook` (Svix, the default) or `callback` (`x-mb-secret`). Cronofy has callbacks only. */
  channel?: Channel;
  /** The secret(s) the endpoint verifies with; several sign together, as the provider does while rotating. */
  secrets: string | readonly string[];
  /** Meeting BaaS callbacks: the method the bots are configured with (`callback_config.method`, default POST). */
  method?: "POST" | "PUT";
  /** How long an answer may take (default: the provider's documented timeout; Cronofy documents none). */
  timeoutMs?: number;
  /** Only these scenario ids (default: every scenario that applies). */
  only?: readonly string[];
  /** Wait up to this long for the endpoint to answer at all before the first scenario (an app still starting). */
  waitMs?: number;
  /** Called after each scenario, for progress. */
  onResult?: (result: ConformanceResult, done: number, total: number) => void;
  /** The fetch to send with (default: the global one). */
  fetch?: typeof fetch;
}

/** How the endpoint answered one delivery of a scenario. */
export interface DeliveryOutcome {
  label: string;
  status: number | undefined;
  /** `timeout`, or the network error when there was no answer. */
  error?: string;
  ms: number;
  ok: boolean;
}

export interface ConformanceResult {
  scenario: ScenarioId;
  title: string;
  /** What the endpoint had to answer, in words: `2xx within 30000 ms`, `not 2xx`, `not 5xx`. */
  expected: string;
  /** What it answered: `202 ×14`, or the first wrong answer and the delivery it was for. */
  got: string;
  /** The slowest answer of the scenario, in ms. */
  ms: number;
  ok: boolean;
  /** Why it matters, with the provider's documented consequence where the answer decides a retry. */
  why: string;
  /** Where the rule comes from. */
  source: string;
  deliveries: DeliveryOutcome[];
}

export interface ConformanceReport {
  provider: Provider;
  channel: Channel;
  url: string;
  method: "POST" | "PUT";
  timeoutMs: number;
  /** Where `timeoutMs` comes from: the provider's documents, this tool's default (Cronofy documents none), or you. */
  timeoutFrom: "provider" | "tool-default" | "option";
  passed: number;
  failed: number;
  /** Not one delivery got an answer, and none timed out: nothing accepts connections at the URL. */
  unreachable: boolean;
  /** How long the run took, in ms. */
  ms: number;
  results: ConformanceResult[];
}

/** The options cannot make a run (unknown scenario, wrong channel, a secret of the wrong form): nothing was sent. */
export class ConformanceOptionsError extends Error {
  override name = "ConformanceOptionsError";
}

interface Plan {
  target: ConformanceTarget;
  channel: Channel;
  secrets: string[];
  method: "POST" | "PUT";
  timeoutMs: number;
  scenarios: ConformanceScenario[];
}

function plan(options: ConformanceOptions): Plan {
  const channel = options.channel ?? defaultChannel(options.provider);
  const target = targetOf(options.provider, channel);
  if (!target)
    throw new ConformanceOptionsError(`${options.provider} sends no ${channel}s: drop the channel.`);
  if (!URL.canParse(options.url) || !/^https?:$/.test(new URL(options.url).protocol))
    throw new ConformanceOptionsError(`The URL must be http(s), got ${JSON.stringify(options.url)}.`);
  const secrets = typeof options.secrets === "string" ? [options.secrets] : [...options.secrets];
  if (secrets.length === 0 || secrets.some((s) => s.length === 0))
    throw new ConformanceOptionsError("Give the secret(s) the endpoint verifies with; none may be empty.");
  if (target === "meetingbaas/callback" && secrets.length > 1)
    throw new ConformanceOptionsError("A Meeting BaaS callback carries one secret in x-mb-secret: give one.");
  // The receivers' own rule (@meeting-webhooks/receive): a secret they would refuse at start-up cannot sign here.
  const unusable = target === "meetingbaas/webhook" && secrets.find((secret) => !webhookSigningKey(secret));
  if (unusable)
    throw new ConformanceOptionsError(
      `${JSON.stringify(unusable.slice(0, 12))}… is not a Meeting BaaS signing secret: whsec_ followed by base64.`,
    );
  if (options.method !== undefined && target !== "meetingbaas/callback")
    throw new ConformanceOptionsError("The method applies to Meeting BaaS callbacks only.");
  const timeoutMs = options.timeoutMs ?? providerTimeoutMs(target);
  if (!(Number.isInteger(timeoutMs) && timeoutMs > 0))
    throw new ConformanceOptionsError(`The timeout must be a whole number of ms > 0, got ${timeoutMs}.`);
  const applicable = scenariosFor(target);
  const unknown = (options.only ?? []).filter((id) => !applicable.some((s) => s.id === id));
  if (unknown.length > 0)
    throw new ConformanceOptionsError(
      `No scenario ${unknown.map((id) => JSON.stringify(id)).join(", ")} for ${targetLabels[target]}: ` +
        `expected ${applicable.map((s) => s.id).join(", ")}.`,
    );
  const scenarios = options.only ? applicable.filter((s) => options.only?.includes(s.id)) : applicable;
  return { target, channel, secrets, method: options.method ?? "POST", timeoutMs, scenarios };
}

function isAnswer(record: AttemptRecord): record is AttemptRecord & { status: number } {
  return record.status !== undefined;
}

function judge(expects: Expectation, record: AttemptRecord): boolean {
  if (!isAnswer(record)) return false;
  if (expects === "accepted") return record.status >= 200 && record.status < 300;
  if (expects === "refused") return record.status < 200 || record.status >= 300;
  return record.status < 500;
}

/** What an expectation asks for, in words; without a timeout, "within the timeout". */
export function expectedText(expects: Expectation, timeoutMs?: number): string {
  if (expects === "accepted")
    return `2xx within ${timeoutMs === undefined ? "the timeout" : `${timeoutMs} ms`}`;
  if (expects === "refused") return "not 2xx";
  return "not 5xx (2xx recommended)";
}

function answerText(outcome: DeliveryOutcome, timeoutMs: number): string {
  if (outcome.status !== undefined) return String(outcome.status);
  if (outcome.error === "timeout") return `no answer within ${timeoutMs} ms`;
  return `no answer (${outcome.error})`;
}

function gotText(outcomes: readonly DeliveryOutcome[], timeoutMs: number): string {
  const failures = outcomes.filter((o) => !o.ok);
  const first = failures[0];
  if (first) {
    const more = failures.length > 1 ? ` (and ${failures.length - 1} more)` : "";
    return `${answerText(first, timeoutMs)} to ${first.label}${more}`;
  }
  const counts = new Map<string, number>();
  for (const o of outcomes)
    counts.set(answerText(o, timeoutMs), (counts.get(answerText(o, timeoutMs)) ?? 0) + 1);
  return [...counts].map(([answer, n]) => (n > 1 ? `${answer} ×${n}` : answer)).join(", ");
}

async function send(probe: Probe, expects: Expectation, timeoutMs: number, fetcher?: typeof fetch) {
  const { attempts } = await deliver(probe.delivery, {
    retry: { ...retryPolicyFor(probe.delivery), delaysMs: [], timeoutMs },
    ...(fetcher ? { fetch: fetcher } : {}),
  });
  const record = attempts[0] as AttemptRecord;
  const error = record.error === "timeout" ? "timeout" : (record.errorCode ?? record.error);
  return {
    label: probe.label,
    status: record.status,
    ...(error === undefined ? {} : { error }),
    ms: Math.round(record.latencyMs),
    ok: judge(expects, record),
  };
}

/** Resolves once anything answers at `url` (any status), or after `waitMs`. */
async function untilAnswering(url: string, waitMs: number, fetcher: typeof fetch): Promise<void> {
  const deadline = Date.now() + waitMs;
  while (Date.now() < deadline) {
    try {
      await fetcher(url, { method: "HEAD", redirect: "manual", signal: AbortSignal.timeout(1000) });
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

async function runScenario(
  scenario: ConformanceScenario,
  context: ProbeContext,
  timeoutMs: number,
  fetcher: typeof fetch | undefined,
): Promise<ConformanceResult> {
  const probes = await probeBuilders[scenario.id as ScenarioId](context);
  const deliveries: DeliveryOutcome[] = [];
  // One at a time, in order: out-of-order and redelivery depend on it, and the timing of each is its own.
  for (const probe of probes) deliveries.push(await send(probe, scenario.expects, timeoutMs, fetcher));
  const decidesRetry = scenario.expects !== "refused";
  const consequence = deliveryConsequences[context.target];
  const source = forTarget(scenario.source, context.target) as string;
  return {
    scenario: scenario.id as ScenarioId,
    title: scenario.title,
    expected: expectedText(scenario.expects, timeoutMs),
    got: gotText(deliveries, timeoutMs),
    ms: Math.max(0, ...deliveries.map((d) => d.ms)),
    ok: deliveries.every((d) => d.ok),
    why: decidesRetry ? `${scenario.why} ${consequence.text}` : scenario.why,
    source: decidesRetry ? `${source}; ${consequence.source}` : source,
    deliveries,
  };
}

/**
 * Sends every scenario that applies to the provider and channel to `url`, in order, one delivery at a time, and
 * grades each answer. Throws `ConformanceOptionsError` before sending anything when the options cannot make a run.
 */
export async function runConformance(options: ConformanceOptions): Promise<ConformanceReport> {
  const { target, channel, secrets, method, timeoutMs, scenarios } = plan(options);
  const started = Date.now();
  if (options.waitMs) await untilAnswering(options.url, options.waitMs, options.fetch ?? fetch);
  const context: ProbeContext = {
    target,
    provider: options.provider,
    channel,
    url: options.url,
    secrets,
    method,
    run: crypto.randomUUID(),
  };
  const results: ConformanceResult[] = [];
  for (const scenario of scenarios) {
    const result = await runScenario(scenario, context, timeoutMs, options.fetch);
    results.push(result);
    options.onResult?.(result, results.length, scenarios.length);
  }
  const outcomes = results.flatMap((r) => r.deliveries);
  return {
    provider: options.provider,
    channel,
    url: options.url,
    method,
    timeoutMs,
    timeoutFrom:
      options.timeoutMs !== undefined ? "option" : timeoutIsDocumented(target) ? "provider" : "tool-default",
    passed: results.filter((r) => r.ok).length,
    failed: results.filter((r) => !r.ok).length,
    unreachable:
      outcomes.length > 0 && outcomes.every((o) => o.status === undefined && o.error !== "timeout"),
    ms: Date.now() - started,
    results,
  };
}
