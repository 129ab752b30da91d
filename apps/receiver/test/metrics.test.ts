// Metrics: `GET /metrics` after real deliveries signed with the development secrets of @meeting-webhooks/mocks, on
// both engines: the counters' labels and values, refusals by code, the lag histogram, the queue gauges against the
// inbox, one registry per receiver, an exposition that a strict reading of the text format accepts, and the README's
// alert rules, parsed as PromQL, naming only metrics the receiver exposes.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { buildDelivery, type Delivery, devSecrets } from "@meeting-webhooks/mocks";
import { parser as promql } from "@prometheus-io/lezer-promql";
import { register as globalRegistry } from "prom-client";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { parse as parseYaml } from "yaml";
import type { Receiver } from "../src/app.js";
import { createReceiverMetrics, metricNames } from "../src/metrics.js";
import type { FetchLike } from "../src/providers/index.js";
import { example, startReceiver, testEngines, useEngine } from "./support.js";

// ── A strict reading of the Prometheus text format 0.0.4 ────────────────────────────────────────────────────────────
// No maintained exposition parser for Node.js was found (parse-prometheus-text-format's last release is from 2019 and
// it accepts what Prometheus refuses), so this checks each line against the format's grammar, and the rules between
// lines that Prometheus enforces: TYPE before samples, a family's lines together, no repeated series, histograms
// with cumulative buckets ending at `+Inf` equal to `_count`.

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}
interface Family {
  type: string;
  help: string | undefined;
  samples: Sample[];
}
interface Exposition {
  families: Map<string, Family>;
  errors: string[];
}

const metricName = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const labelPair = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"(?:,|$)/y;
// As Go's strconv.ParseFloat reads it, which Prometheus uses: NaN and Inf in any case (prom-client writes `Nan`).
const floatValue = /^(?:[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|[+-]?inf(?:inity)?|nan)$/i;
const types = new Set(["counter", "gauge", "histogram", "summary", "untyped"]);

function familyOf(sample: string, families: Map<string, Family>): string | undefined {
  if (families.has(sample)) return sample;
  for (const suffix of ["_bucket", "_sum", "_count"]) {
    const base = sample.slice(0, -suffix.length);
    const type = sample.endsWith(suffix) ? families.get(base)?.type : undefined;
    if (type === "histogram" || (type === "summary" && suffix !== "_bucket")) return base;
  }
  return undefined;
}

function parseExposition(text: string): Exposition {
  const families = new Map<string, Family>();
  const errors: string[] = [];
  const finished = new Set<string>();
  const series = new Set<string>();
  let current: string | undefined;
  const enter = (name: string, line: number) => {
    if (current === name) return;
    if (finished.has(name)) errors.push(`line ${line}: ${name} appears again after other families`);
    if (current) finished.add(current);
    current = name;
  };
  if (!text.endsWith("\n")) errors.push("the exposition does not end with a line feed");
  const lines = text.slice(0, -1).split("\n");
  for (const [index, line] of lines.entries()) {
    const at = index + 1;
    const comment = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
    if (comment) {
      const [, keyword, name, rest] = comment as unknown as [string, string, string, string];
      if (!metricName.test(name)) errors.push(`line ${at}: bad metric name ${name}`);
      enter(name, at);
      const family = families.get(name) ?? { type: "untyped", help: undefined, samples: [] };
      families.set(name, family);
      if (keyword === "HELP") {
        if (family.help !== undefined) errors.push(`line ${at}: a second HELP for ${name}`);
        if (/\\[^\\n]/.test(rest.replaceAll("\\\\", ""))) errors.push(`line ${at}: bad escape in HELP`);
        family.help = rest;
      } else {
        if (!types.has(rest)) errors.push(`line ${at}: unknown type ${rest}`);
        if (family.samples.length > 0) errors.push(`line ${at}: TYPE of ${name} after its samples`);
        family.type = rest;
      }
      continue;
    }
    if (line.startsWith("#") || line.trim() === "") continue;
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? ([^ ]+)(?: (-?\d+))?$/.exec(line);
    if (!sample) {
      errors.push(`line ${at}: not a sample: ${line}`);
      continue;
    }
    const [, name = "", rawLabels = "", rawValue = ""] = sample;
    const labels: Record<string, string> = {};
    labelPair.lastIndex = 0;
    while (labelPair.lastIndex < rawLabels.length) {
      const pair = labelPair.exec(rawLabels);
      if (!pair) {
        errors.push(`line ${at}: bad labels {${rawLabels}}`);
        break;
      }
      const [, label, value] = pair as unknown as [string, string, string];
      if (label in labels) errors.push(`line ${at}: label ${label} twice`);
      labels[label] = value.replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c));
    }
    if (!floatValue.test(rawValue)) errors.push(`line ${at}: bad value ${rawValue}`);
    const family = familyOf(name, families);
    if (!family) {
      errors.push(`line ${at}: ${name} has no TYPE`);
      continue;
    }
    enter(family, at);
    const key = `${name}${JSON.stringify(Object.entries(labels).sort())}`;
    if (series.has(key)) errors.push(`line ${at}: ${key} twice`);
    series.add(key);
    (families.get(family) as Family).samples.push({ name, labels, value: Number(rawValue) });
  }
  for (const [name, family] of families) {
    if (family.type !== "histogram") continue;
    const groups = new Map<string, Sample[]>();
    for (const s of family.samples) {
      const { le: _, ...rest } = s.labels;
      const key = JSON.stringify(Object.entries(rest).sort());
      groups.set(key, [...(groups.get(key) ?? []), s]);
    }
    for (const [key, samples] of groups) {
      const buckets = samples.filter((s) => s.name === `${name}_bucket`);
      const les = buckets.map((s) => Number(s.labels.le === "+Inf" ? Infinity : s.labels.le));
      const count = samples.find((s) => s.name === `${name}_count`)?.value;
      const sorted = les.every((le, i) => i === 0 || le > (les[i - 1] as number));
      const cumulative = buckets.every((s, i) => i === 0 || s.value >= (buckets[i - 1] as Sample).value);
      if (!sorted || !cumulative || les.at(-1) !== Infinity || buckets.at(-1)?.value !== count)
        errors.push(`${name}${key}: buckets not cumulative up to +Inf = _count`);
      if (!samples.some((s) => s.name === `${name}_sum`)) errors.push(`${name}${key}: no _sum`);
    }
  }
  return { families, errors };
}

/** The value of the one sample with this name whose labels include these; undefined when there is none. */
function sampleValue(exposition: Exposition, name: string, labels: Record<string, string> = {}) {
  const family = familyOf(name, exposition.families);
  const samples = (family ? exposition.families.get(family)?.samples : [])?.filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
  if ((samples?.length ?? 0) > 1)
    throw new Error(`${name} ${JSON.stringify(labels)} matches several samples`);
  return samples?.[0]?.value;
}

// ── Receivers and deliveries ────────────────────────────────────────────────────────────────────────────────────────

/** Unset secrets: the receiver runs in development mode with the secrets the mocks sign with. */
const developmentEnv = {
  CRONOFY_CLIENT_SECRETS: "",
  MEETINGBAAS_CALLBACK_SECRETS: "",
  MEETINGBAAS_WEBHOOK_SECRET: "",
};

async function scrape(receiver: Receiver) {
  const response = await receiver.app.inject({ method: "GET", url: "/metrics" });
  expect(response.statusCode).toBe(200);
  return { type: response.headers["content-type"], text: response.body, ...parseExposition(response.body) };
}

function cronofy(file: string, secret: string = devSecrets.cronofy) {
  return buildDelivery(example(`cronofy/examples/${file}`), {
    provider: "cronofy",
    url: "/webhooks/cronofy",
    secret,
  });
}
function callback(file: string) {
  return buildDelivery(example(`meetingbaas/examples/${file}`), {
    provider: "meetingbaas",
    channel: "callback",
    url: "/webhooks/meetingbaas/callback",
    secret: devSecrets.meetingBaasCallback,
  });
}
function webhook(payload: unknown) {
  return buildDelivery(payload, {
    provider: "meetingbaas",
    channel: "webhook",
    url: "/webhooks/meetingbaas",
    secret: devSecrets.meetingBaasWebhook,
  });
}

async function send(receiver: Receiver, delivery: Delivery | Promise<Delivery>) {
  const { method, url, headers, body } = await delivery;
  const response = await receiver.app.inject({ method, url, headers, payload: body });
  return { status: response.statusCode, body: response.json() as { code?: string } };
}

/** Provider downloads answered in-process: the Meeting BaaS storage URLs of the examples, by this answer. */
function storage(answer: () => Response): FetchLike {
  return async (input: string) => {
    if (input.startsWith("https://meetingbaas-storage.example.invalid")) return answer();
    throw new TypeError(`fetch failed: no route for ${input}`);
  };
}

const engines = await testEngines();

describe.each(engines)("on %s", (engine) => {
  beforeAll(() => useEngine(engine));

  const receivers: Receiver[] = [];
  afterEach(async () => {
    for (const receiver of receivers.splice(0)) await receiver.close();
  });
  async function start(overrides: Parameters<typeof startReceiver>[0] = {}, options = {}) {
    const receiver = await startReceiver(
      { ...overrides, env: { ...developmentEnv, ...overrides.env } },
      options,
    );
    receivers.push(receiver);
    return receiver;
  }

  it("counts stored deliveries by provider, channel and outcome, with their ingest time", async () => {
    const receiver = await start({}, { process: false });
    const status = example("meetingbaas/examples/bot.status_change.json");
    const once = await webhook(status);
    const broken = example("meetingbaas/examples/bot.status_change.json");
    broken.data.status = 42;
    const unknown = { ...status, event: "bot.not_in_the_contract_yet" };
    for (const delivery of [
      cronofy("meeting_agent_complete.json"),
      callback("bot.completed.json"),
      once,
      once,
      webhook(broken),
      webhook(unknown),
    ])
      expect((await send(receiver, delivery)).status).toBe(202);

    const metrics = await scrape(receiver);
    const deliveries = (labels: Record<string, string>) =>
      sampleValue(metrics, metricNames.deliveries, labels);
    expect(deliveries({ provider: "cronofy", channel: "callback", outcome: "accepted" })).toBe(1);
    expect(deliveries({ provider: "meetingbaas", channel: "callback", outcome: "accepted" })).toBe(1);
    expect(deliveries({ provider: "meetingbaas", channel: "webhook", outcome: "accepted" })).toBe(1);
    expect(deliveries({ provider: "meetingbaas", channel: "webhook", outcome: "duplicate" })).toBe(1);
    expect(deliveries({ provider: "meetingbaas", channel: "webhook", outcome: "quarantined" })).toBe(1);
    expect(deliveries({ provider: "meetingbaas", channel: "webhook", outcome: "unknown" })).toBe(1);
    const ingest = `${metricNames.ingest}_count`;
    expect(sampleValue(metrics, ingest, { provider: "meetingbaas", channel: "webhook" })).toBe(4);
    expect(sampleValue(metrics, ingest, { provider: "cronofy", channel: "callback" })).toBe(1);
    expect(
      sampleValue(metrics, `${metricNames.ingest}_sum`, { provider: "cronofy", channel: "callback" }),
    ).toBeGreaterThan(0);
    // Nothing ran: no process, no run, no lag.
    expect(metrics.families.get(metricNames.runs)?.samples.map((sample) => sample.value)).toEqual(
      Array(9).fill(0),
    );
    expect(metrics.families.get(metricNames.lag)?.samples).toEqual([]);
  });

  it("counts a bad signature as a refusal by its code, and stores nothing", async () => {
    const receiver = await start({}, { process: false });
    const refused = await send(receiver, cronofy("meeting_agent_complete.json", "not-the-secret"));
    expect(refused).toMatchObject({ status: 401, body: { code: "signature_mismatch" } });
    const malformed = await webhook("{ not json");
    const notJson = await send(receiver, malformed);
    expect(notJson.status).toBe(400);
    const metrics = await scrape(receiver);
    expect(
      sampleValue(metrics, metricNames.refusals, {
        provider: "cronofy",
        stage: "signature",
        code: refused.body.code as string,
      }),
    ).toBe(1);
    expect(
      sampleValue(metrics, metricNames.refusals, {
        provider: "meetingbaas",
        stage: "body",
        code: notJson.body.code as string,
      }),
    ).toBe(1);
    expect(
      new Set(metrics.families.get(metricNames.deliveries)?.samples.map((sample) => sample.value)),
    ).toEqual(new Set([0]));
    expect(sampleValue(metrics, metricNames.queue, { state: "queued" })).toBe(0);
  });

  it("observes the processing lag, the run and the download once a delivery is handled", async () => {
    const transcription = example("meetingbaas/examples/artifacts/transcription.json");
    const receiver = await start({}, { fetch: storage(() => Response.json(transcription)) });
    expect((await send(receiver, callback("bot.completed.json"))).status).toBe(202);
    await receiver.drain();
    // The observer hears a run right after its commit, which may land just after the queue looked empty.
    const metrics = await vi.waitFor(async () => {
      const now = await scrape(receiver);
      expect(sampleValue(now, `${metricNames.lag}_count`, { provider: "meetingbaas" })).toBe(1);
      return now;
    });
    const labels = { provider: "meetingbaas", channel: "callback" };
    expect(sampleValue(metrics, metricNames.runs, { ...labels, outcome: "handled" })).toBe(1);
    const lag = sampleValue(metrics, `${metricNames.lag}_sum`, labels) as number;
    expect(lag).toBeGreaterThanOrEqual(0);
    expect(lag).toBeLessThan(60);
    expect(sampleValue(metrics, `${metricNames.lag}_bucket`, { ...labels, le: "+Inf" })).toBe(1);
    expect(
      sampleValue(metrics, metricNames.downloads, { provider: "meetingbaas", outcome: "downloaded" }),
    ).toBe(1);
    expect(sampleValue(metrics, metricNames.queue, { state: "queued" })).toBe(0);
  });

  it("reports the queue and the dead deliveries as the inbox counts them", async () => {
    const stored = await start({}, { process: false });
    for (const file of ["meeting_agent_activated.json", "meeting_agent_complete.json"])
      expect((await send(stored, cronofy(file))).status).toBe(202);
    expect((await send(stored, callback("bot.failed.json"))).status).toBe(202);
    const waiting = await scrape(stored);
    const counts = await stored.inbox.counts();
    expect(counts).toMatchObject({ queued: 3, running: 0, retrying: 0, dead: 0 });
    for (const state of ["queued", "running", "retrying", "dead"] as const)
      expect(sampleValue(waiting, metricNames.queue, { state })).toBe(counts[state]);

    // One attempt, and a download that fails for now: the delivery's only run fails and it is dead.
    const dying = await start(
      { processingAttempts: 1, downloadAttempts: 5 },
      { fetch: storage(() => new Response("busy", { status: 503 })) },
    );
    expect((await send(dying, callback("bot.completed.json"))).status).toBe(202);
    await dying.drain();
    const dead = await vi.waitFor(async () => {
      const now = await scrape(dying);
      expect(
        sampleValue(now, metricNames.runs, { provider: "meetingbaas", channel: "callback", outcome: "dead" }),
      ).toBe(1);
      return now;
    });
    expect(await dying.inbox.counts()).toMatchObject({ queued: 0, dead: 1 });
    expect(sampleValue(dead, metricNames.queue, { state: "dead" })).toBe(1);
    expect(sampleValue(dead, metricNames.queue, { state: "queued" })).toBe(0);
    expect(sampleValue(dead, metricNames.downloads, { provider: "meetingbaas", outcome: "attempted" })).toBe(
      1,
    );
    // A dead delivery's lag is its backoff, not the handlers' delay: it is not in the lag histogram.
    expect(dead.families.get(metricNames.lag)?.samples).toEqual([]);
  });

  it("keeps two receivers' metrics apart in one process, outside prom-client's global registry", async () => {
    const first = await start({}, { process: false });
    const second = await start({}, { process: false });
    expect((await send(first, cronofy("meeting_agent_complete.json"))).status).toBe(202);
    const labels = { provider: "cronofy", channel: "callback", outcome: "accepted" };
    const [one, two] = [await scrape(first), await scrape(second)];
    expect(sampleValue(one, metricNames.deliveries, labels)).toBe(1);
    expect(sampleValue(two, metricNames.deliveries, labels)).toBe(0);
    expect(sampleValue(one, metricNames.queue, { state: "queued" })).toBe(1);
    expect(sampleValue(two, metricNames.queue, { state: "queued" })).toBe(0);
    expect(first.metrics.registry).not.toBe(second.metrics.registry);
    // Both carry the process's metrics, collected once for the process.
    for (const metrics of [one, two])
      expect(sampleValue(metrics, "process_cpu_user_seconds_total")).toBeGreaterThan(0);
    const global = await globalRegistry.metrics();
    expect(global).not.toContain("meeting_webhooks_");
  });

  // A worker serves no webhook and no page, but its runs and lag are only in its own process.
  it.runIf(engine === "postgres")("is served by a worker too", async () => {
    const worker = await start({ role: "worker" });
    expect((await send(worker, cronofy("meeting_agent_complete.json"))).status).toBe(404);
    const metrics = await scrape(worker);
    expect(metrics.errors).toEqual([]);
    expect(sampleValue(metrics, metricNames.queue, { state: "queued" })).toBe(0);
  });

  it("answers an exposition that a strict reading of the Prometheus text format accepts", async () => {
    const transcription = example("meetingbaas/examples/artifacts/transcription.json");
    const receiver = await start({}, { fetch: storage(() => Response.json(transcription)) });
    await send(receiver, callback("bot.completed.json"));
    await send(receiver, cronofy("meeting_agent_complete.json", "not-the-secret"));
    await receiver.drain();
    const metrics = await scrape(receiver);
    expect(metrics.type).toBe("text/plain; version=0.0.4; charset=utf-8");
    expect(metrics.errors).toEqual([]);
    for (const name of Object.values(metricNames)) {
      expect(metrics.families.get(name)?.help).toBeTruthy();
      expect(metrics.families.has(name)).toBe(true);
    }
    expect(metrics.families.get(metricNames.lag)?.type).toBe("histogram");
    expect(metrics.families.get(metricNames.queue)?.type).toBe("gauge");
    expect(metrics.families.get(metricNames.deliveries)?.type).toBe("counter");
    expect(metrics.families.get("nodejs_eventloop_lag_seconds")?.type).toBe("gauge");
  });
});

describe("the strict exposition reading", () => {
  it("refuses what Prometheus refuses", () => {
    const bad = [
      "metric_without_type 1\n",
      '# TYPE a counter\na{l="x"} 1\n# TYPE b gauge\nb 1\na{l="y"} 2\n',
      "# TYPE a gauge\na{l=x} 1\n",
      "# TYPE a gauge\na 1 2 3\n",
      "# TYPE a gauge\na one\n",
      '# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1\n',
      "# TYPE a gauge\na 1",
    ];
    for (const text of bad) expect(parseExposition(text).errors, text).not.toEqual([]);
    const good =
      '# HELP a A "gauge" \\\\ \\n.\n# TYPE a gauge\na{l="x\\"y"} -1.5e3\na{l="z"} +Inf 1700000000\n';
    expect(parseExposition(good).errors).toEqual([]);
  });
});

describe("the metrics of one receiver", () => {
  it("answers the scrape without the queue's samples when the inbox cannot be counted, and says so once", async () => {
    const log = vi.fn();
    const metrics = createReceiverMetrics(log);
    metrics.countQueue(() => Promise.reject(new Error("connection refused")));
    for (let i = 0; i < 2; i++) {
      const exposition = parseExposition(await metrics.scrape());
      expect(exposition.errors).toEqual([]);
      expect(exposition.families.get(metricNames.queue)?.samples).toEqual([]);
    }
    expect(log).toHaveBeenCalledTimes(1);
    expect(log.mock.calls[0]?.[0]).toMatch(/connection refused/);
  });
});

describe("the README's alert rules", () => {
  const readme = readFileSync(join(import.meta.dirname, "..", "README.md"), "utf8");
  const section = readme.slice(
    readme.indexOf("\n## Metrics\n"),
    readme.indexOf("\n## ", readme.indexOf("\n## Metrics\n") + 1),
  );
  const blocks = [...section.matchAll(/```yaml\n([\s\S]*?)```/g)].map((match) =>
    parseYaml(match[1] as string),
  );

  it("has a scrape config for /metrics", () => {
    const scrape = blocks.find((block) => block.scrape_configs)?.scrape_configs?.[0];
    expect(scrape).toMatchObject({ metrics_path: "/metrics" });
    expect(scrape.static_configs[0].targets.length).toBeGreaterThan(0);
  });

  it("are three rules whose PromQL parses and names only metrics the receiver exposes", async () => {
    const rules = blocks
      .find((block) => block.groups)
      ?.groups.flatMap((group: { rules: unknown[] }) => group.rules);
    expect(rules.map((rule: { alert: string }) => rule.alert)).toEqual([
      "MeetingWebhooksQueueGrowing",
      "MeetingWebhooksProcessingLag",
      "MeetingWebhooksDeadDeliveries",
    ]);
    // What one receiver exposes: its families, and a histogram's series.
    const families = parseExposition(await createReceiverMetrics().scrape()).families;
    const exposed = new Set(
      [...families].flatMap(([name, { type }]) =>
        type === "histogram" ? [name, `${name}_bucket`, `${name}_sum`, `${name}_count`] : [name],
      ),
    );
    for (const { alert, expr, for: wait } of rules as { alert: string; expr: string; for: string }[]) {
      expect(wait, alert).toMatch(/^\d+[smh]$/);
      const tree = promql.parse(expr);
      const problems: string[] = [];
      const names: string[] = [];
      tree.iterate({
        enter(node) {
          if (node.type.isError) problems.push(`${alert}: syntax error at ${node.from}: ${expr}`);
          if (node.name === "Identifier" && node.node.parent?.name === "VectorSelector")
            names.push(expr.slice(node.from, node.to));
        },
      });
      expect(problems).toEqual([]);
      expect(names.length, alert).toBeGreaterThan(0);
      for (const name of names) expect(exposed.has(name), `${alert} names ${name}`).toBe(true);
    }
  });
});
