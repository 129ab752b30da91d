// `meeting-webhooks send`: signed deliveries like the providers send them, to a receiver under development or test.

import { readFile } from "node:fs/promises";
import {
  buildDelivery,
  type DeliveryOptions,
  type DeliveryReport,
  deepMerge,
  deliverBatch,
  devSecrets,
  eventNameOf,
  factoryFor,
  webhookCatalog,
} from "@meeting-webhooks/mocks";
import type { Channel, Provider } from "@meeting-webhooks/types";
import {
  channelOption,
  commandLine,
  methodOption,
  providerChoices,
  providerOption,
  providerPlaceholder,
} from "../args.js";
import { type Io, UsageError } from "../io.js";
import { signingSecrets } from "../secrets.js";

const eventList = (provider: Provider, channel?: Channel): string[] => [
  ...new Set(
    webhookCatalog
      .filter((w) => w.provider === provider && (!channel || w.channel === channel))
      .map((w) => w.event),
  ),
];

export const sendHelp = `Usage: meeting-webhooks send --provider ${providerPlaceholder} --event <name> --to <url> [options]

Sends deliveries signed exactly as the provider signs them, with realistic payloads from the contract's fixture
factories (every one valid against the contract), like \`stripe trigger\`. Each delivery of a run is distinct
(fresh ids and times) unless --duplicates asks for repeats.

Events (the providers' own names):
  cronofy       ${eventList("cronofy").join(", ")}
  meetingbaas   ${eventList("meetingbaas").join(", ")}

Options:
  --provider <name>       ${providerChoices} (required)
  --event <name>          the event to send (required unless --fixture names one)
  --to <url>              the receiver's URL (required)
  --channel <name>        meetingbaas only: webhook (account webhook signed by Svix, the default for every event,
                          as \`validate\` assumes) or callback (per-bot callback with x-mb-secret: bot.completed and
                          bot.failed only)
  --secret <s>            the secret to sign with; repeat to sign with several (rotation). Default:
                          MEETING_WEBHOOKS_SECRETS (comma-separated), else the dev secrets below
  --fixture <file.json>   JSON merged over every generated payload (a complete payload is sent as it is)
  --count <n>             how many distinct deliveries (default 1)
  --duplicates <x>        redeliveries: a fraction below 1 is the chance each delivery is sent again, byte for
                          byte; a whole number repeats every delivery that many times (default 0)
  --shuffle               send in random order (with --duplicates: out-of-order redelivery)
  --concurrency <n>       deliveries in flight at once (default 1)
  --seed <s>              fixtures and ordering are the same for the same seed (default: random)
  --method <POST|PUT>     meetingbaas callbacks only: callback_config.method (default POST)
  --retry                 replay the provider's retries as its contract states them (x-delivery-policies):
                          Meeting BaaS callbacks 1 s, 5 s, 15 s after a 5xx, a timeout or a network error (a 4xx
                          is final); webhooks 5 s, 10 s, 5 min, 15 min, 30 min, 2 h (±20 % jitter) after
                          anything but a 2xx, at least 60 s after a 429 or a timeout; Cronofy publishes none: one
                          attempt. The waits are real unless --retry-scale shrinks them
  --retry-scale <x>       multiply every wait of --retry by x (default 1): 0.001 replays the 3-hour webhook
                          schedule in about 11 s, for tests
  --quiet                 print only the summary
  -h, --help              show this help

Dev secrets (for local receivers only):
  cronofy                 ${devSecrets.cronofy}
  meetingbaas callback    ${devSecrets.meetingBaasCallback}
  meetingbaas webhook     ${devSecrets.meetingBaasWebhook}

Prints one line per delivery (status and latency), a progress bar on stderr when it is a terminal (or every 10 %
for 100 deliveries or more), then a summary: sent, 2xx, 4xx, 5xx, no answer, p50 and p99 latency.

Exit codes: 0 every delivery answered 2xx, 1 any was not, 2 usage error.

Examples:
  meeting-webhooks send --provider cronofy --event meeting_agent_complete --to http://localhost:3000/webhooks/cronofy
  meeting-webhooks send --provider meetingbaas --event bot.completed --channel callback --method PUT \\
    --secret "$MB_CALLBACK_SECRET" --to https://staging.example.com/webhooks/meetingbaas/callback
  meeting-webhooks send --provider meetingbaas --event bot.status_change --count 200 --duplicates 0.3 --shuffle \\
    --concurrency 8 --seed 7 --to http://localhost:3000/webhooks/meetingbaas
  meeting-webhooks send --provider meetingbaas --fixture captured-bot-completed.json --to http://localhost:3000/hook`;

function integer(name: string, raw: string | undefined, fallback: number, min: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min)
    throw new UsageError(`--${name} must be a whole number ≥ ${min}, got ${JSON.stringify(raw)}.`);
  return value;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

function statusText(report: DeliveryReport): string {
  const last = report.attempts[report.attempts.length - 1];
  return last?.status === undefined ? `no answer (${last?.error ?? "error"})` : String(last.status);
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

function progressBar(done: number, total: number): string {
  const width = 30;
  const filled = Math.round((done / total) * width);
  return `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${done}/${total}`;
}

async function readFixture(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new UsageError(`Cannot read --fixture ${path}: ${(error as Error).message}`);
  }
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value !== "object" || value === null || Array.isArray(value))
      throw new Error("not a JSON object");
    return value as Record<string, unknown>;
  } catch (error) {
    throw new UsageError(`--fixture ${path} is not a JSON object: ${(error as Error).message}`);
  }
}

export async function sendCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = commandLine(argv, {
    provider: { type: "string" },
    channel: { type: "string" },
    event: { type: "string" },
    to: { type: "string" },
    secret: { type: "string", multiple: true },
    fixture: { type: "string" },
    count: { type: "string" },
    duplicates: { type: "string" },
    shuffle: { type: "boolean" },
    concurrency: { type: "string" },
    seed: { type: "string" },
    method: { type: "string" },
    retry: { type: "boolean" },
    "retry-scale": { type: "string" },
    quiet: { type: "boolean" },
  });
  if (values.help) {
    io.stdout(sendHelp);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`Unexpected argument ${JSON.stringify(positionals[0])}.`);
  const provider = providerOption(values.provider);
  if (!values.to) throw new UsageError("--to is required: the URL of the receiver.");
  if (!URL.canParse(values.to) || !/^https?:$/.test(new URL(values.to).protocol)) {
    throw new UsageError(`--to must be an http(s) URL, got ${JSON.stringify(values.to)}.`);
  }
  const fixture = values.fixture === undefined ? undefined : await readFixture(values.fixture);
  const event = values.event ?? (fixture ? eventNameOf(provider, fixture) : undefined);
  if (!event) throw new UsageError(`--event is required: one of ${eventList(provider).join(", ")}.`);
  if (!eventList(provider).includes(event)) {
    throw new UsageError(
      `Unknown ${provider} event "${event}": expected one of ${eventList(provider).join(", ")}.`,
    );
  }
  const channel: Channel = provider === "cronofy" ? "callback" : (channelOption(values.channel) ?? "webhook");
  if (provider === "cronofy" && values.channel === "webhook")
    throw new UsageError("Cronofy sends callbacks only: drop --channel.");
  if (!eventList(provider, channel).includes(event)) {
    throw new UsageError(
      `Meeting BaaS does not send ${event} as a ${channel}; ${channel}s are ${eventList(provider, channel).join(", ")}.`,
    );
  }
  const method = methodOption(values.method);
  if (method !== undefined && (channel !== "callback" || provider !== "meetingbaas"))
    throw new UsageError("--method applies to Meeting BaaS callbacks only.");
  const count = integer("count", values.count, 1, 1);
  const concurrency = integer("concurrency", values.concurrency, 1, 1);
  const duplicates = values.duplicates === undefined ? 0 : Number(values.duplicates);
  if (!Number.isFinite(duplicates) || duplicates < 0 || (duplicates >= 1 && !Number.isInteger(duplicates))) {
    throw new UsageError(
      `--duplicates must be a fraction in [0, 1) or a whole number, got ${JSON.stringify(values.duplicates)}.`,
    );
  }
  const retryScale = values["retry-scale"] === undefined ? 1 : Number(values["retry-scale"]);
  if (!Number.isFinite(retryScale) || retryScale < 0) {
    throw new UsageError(
      `--retry-scale must be a number ≥ 0, such as 0.001, got ${JSON.stringify(values["retry-scale"])}.`,
    );
  }
  if (values["retry-scale"] !== undefined && !values.retry)
    throw new UsageError("--retry-scale scales the waits of --retry: add --retry.");
  const seed = values.seed ?? String(Math.floor(Math.random() * 2 ** 31));
  const secrets = signingSecrets(values.secret, io.env, provider, channel);
  if (channel === "callback" && provider === "meetingbaas" && secrets.length > 1) {
    throw new UsageError("A Meeting BaaS callback carries one secret in x-mb-secret: give one --secret.");
  }

  const factory = factoryFor(provider, event) as (overrides?: unknown, options?: object) => unknown;
  const target: DeliveryOptions =
    provider === "cronofy"
      ? { provider, url: values.to, secret: secrets }
      : channel === "callback"
        ? {
            provider,
            channel,
            url: values.to,
            secret: secrets[0] as string,
            ...(method ? { method: method as "POST" | "PUT" } : {}),
          }
        : { provider, channel, url: values.to, secret: secrets };
  const deliveries = await Promise.all(
    Array.from({ length: count }, (_, i) =>
      buildDelivery(
        deepMerge(factory(undefined, { seed: `${seed}:${i}`, now: Date.now() }), fixture as never),
        target,
      ),
    ),
  );

  let lastDecile = 0;
  const reports = await deliverBatch(deliveries, {
    duplicates,
    shuffle: Boolean(values.shuffle),
    concurrency,
    seed,
    retry: Boolean(values.retry),
    timeScale: retryScale,
    onReport: (report, done, planned) => {
      const last = report.attempts[report.attempts.length - 1];
      if (!values.quiet) {
        io.terminal?.("\r\u001b[2K");
        io.stdout(
          `#${done} ${event} ${statusText(report)} ${Math.round(last?.latencyMs ?? 0)} ms${report.attempts.length > 1 ? ` after ${report.attempts.length} attempts` : ""}${report.duplicate ? " (duplicate)" : ""}`,
        );
      }
      if (io.terminal && planned > 1)
        io.terminal(`\r${progressBar(done, planned)}${done === planned ? "\n" : ""}`);
      else if (planned >= 100 && Math.floor((done / planned) * 10) > lastDecile) {
        lastDecile = Math.floor((done / planned) * 10);
        io.stderr(progressBar(done, planned));
      }
    },
  });

  const finals = reports.map((r) => r.attempts[r.attempts.length - 1]);
  const band = (low: number) =>
    finals.filter((a) => a?.status !== undefined && a.status >= low && a.status < low + 100).length;
  const latencies = reports.flatMap((r) => r.attempts.map((a) => a.latencyMs)).sort((a, b) => a - b);
  const failed = reports.filter((r) => !r.ok).length;
  io.stdout(
    `sent ${reports.length} (${plural(reports.filter((r) => r.duplicate).length, "duplicate")}, seed ${seed}): ` +
      `2xx ${band(200)}, 3xx ${band(300)}, 4xx ${band(400)}, 5xx ${band(500)}, no answer ${finals.filter((a) => a?.status === undefined).length}; ` +
      `latency p50 ${Math.round(percentile(latencies, 50))} ms, p99 ${Math.round(percentile(latencies, 99))} ms`,
  );
  if (failed > 0) io.stderr(`${failed} of ${reports.length} deliveries were not answered 2xx.`);
  return failed > 0 ? 1 : 0;
}
