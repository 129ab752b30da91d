// From captured deliveries to what the contract does not know, per event: each finding with where it is in the
// payload and in the schema files, the types seen, how many deliveries and when. No captured value is kept except
// codes (list values, event names); unknown properties keep an inferred schema of their values (genson-js), never
// the values.
import { resolve } from "node:path";
import { detectEvent, validatePayload } from "@meeting-webhooks/receive/validate";
import { specsDir as installedSpecsDir } from "@meeting-webhooks/specs";
import type { Channel, Provider } from "@meeting-webhooks/types";
import { createSchema, extendSchema, type Schema as InferredSchema } from "genson-js";
import { SchemaFiles } from "./schema-files.js";
import { isCode, redacted, typeLabel } from "./values.js";
import { type Observation, type ObservationKind, type SchemaLocation, SchemaWalker } from "./walk.js";

/** One captured delivery: its parsed body, and what the capture knows about it. */
export interface Capture {
  body: unknown;
  /** When it was received (RFC 3339), if known. */
  receivedAt?: string | undefined;
  /** Meeting BaaS: callback or webhook, if known (the receiver stores it); else guessed from the event. */
  channel?: Channel | undefined;
  /** Where it came from, for messages: `file.jsonl:12`, `inbox_captures#42`. */
  source?: string | undefined;
}

export type FindingKind = ObservationKind | "unknown-event";

export interface Finding {
  kind: FindingKind;
  /** JSON pointers into the payload where it was seen (`*` for every item of an array). */
  paths: string[];
  /** The schema node a proposal would change. For `unknown-event`, the schema file it would create. */
  at: SchemaLocation;
  /** Property name or schema keyword, depending on the kind. */
  name?: string;
  /** New list values and event names, when they are codes; redacted descriptions otherwise. */
  values: string[];
  /** Types seen, as `string (date-time)`, `integer`, `null`…; never values. */
  types: string[];
  /** Deliveries with this finding. */
  deliveries: number;
  firstSeen: string | null;
  lastSeen: string | null;
}

export interface EventDrift {
  /** The webhook key in the provider's openapi.yaml: `webhook/bot.status_change`, `meeting_agent_failed`. */
  event: string;
  channel: Channel;
  /** Deliveries of this event read. */
  deliveries: number;
  firstSeen: string | null;
  lastSeen: string | null;
  /** The schema file of the event (for an unknown event, the one a proposal would create). */
  schema: string;
  known: boolean;
  findings: Finding[];
}

export interface DriftAnalysis {
  provider: Provider;
  /** The specs folder compared against. */
  specsDir: string;
  /** Deliveries read. */
  deliveries: number;
  /** Deliveries that are not deliveries of this provider at all (their channel's envelope refused them). */
  notDeliveries: { count: number; sources: string[] };
  /** Every event seen, in the order first seen; those with findings have drift. */
  events: EventDrift[];
  /** Findings in all events. */
  findings: number;
}

export interface AnalyseOptions {
  /** The specs folder to compare with (default: the installed `@meeting-webhooks/specs`). */
  specsDir?: string;
  /** Only deliveries received at or after this time (RFC 3339); captures without a time are kept. */
  since?: string;
}

interface Accumulator {
  finding: Finding;
  values: Map<string, number>;
  types: Set<string>;
  paths: Set<string>;
  lastDelivery: number;
  inferred?: InferredSchema;
}

interface EventAccumulator {
  drift: EventDrift;
  findings: Map<string, Accumulator>;
  inferred?: InferredSchema;
}

const earlier = (a: string | null, b: string | undefined) =>
  b !== undefined && (a === null || b < a) ? b : a;
const later = (a: string | null, b: string | undefined) => (b !== undefined && (a === null || b > a) ? b : a);

/** The schema so far, extended with one more sample (genson-js). */
function infer(schema: InferredSchema | undefined, value: unknown, noRequired: boolean): InferredSchema {
  return schema ? extendSchema(schema, value, { noRequired }) : createSchema(value, { noRequired });
}

/** The webhook key of an event in the provider's openapi.yaml. */
export function webhookKey(provider: Provider, channel: Channel, eventName: string): string {
  return provider === "cronofy" ? eventName : `${channel}/${eventName}`;
}

/** Reads deliveries one by one; `result()` says what the contract does not know. Memory grows with findings only. */
export class DriftAnalyser {
  readonly specsDir: string;
  private readonly files: SchemaFiles;
  private readonly walker: SchemaWalker;
  private readonly fastPath: boolean;
  private readonly events = new Map<string, EventAccumulator>();
  private readonly since: string | undefined;
  private count = 0;
  private readonly notDeliveries = { count: 0, sources: [] as string[] };
  /** Inferred schemas of unknown properties, kept by value of the finding. */
  readonly inferred = new Map<Finding, InferredSchema>();
  readonly eventSchemas = new Map<EventDrift, InferredSchema>();

  constructor(
    readonly provider: Provider,
    options: AnalyseOptions = {},
  ) {
    this.specsDir = resolve(options.specsDir ?? installedSpecsDir);
    this.files = new SchemaFiles(this.specsDir);
    this.walker = new SchemaWalker(this.files);
    // The generated validators describe the installed specs: a delivery they fully accept needs no walk.
    this.fastPath = this.specsDir === resolve(installedSpecsDir);
    this.since = options.since;
  }

  add(capture: Capture): void {
    if (this.since !== undefined && capture.receivedAt !== undefined && capture.receivedAt < this.since)
      return;
    const index = this.count++;
    const { body, receivedAt } = capture;
    const result = validatePayload(this.provider, body, capture.channel);
    if (result.stage === "envelope") {
      this.notDeliveries.count++;
      if (this.notDeliveries.sources.length < 10)
        this.notDeliveries.sources.push(capture.source ?? `#${index + 1}`);
      return;
    }
    const eventName = result.eventName ?? "(unnamed)";
    const detected = result.schemaPath ? result : detectEvent(this.provider, body, capture.channel);
    const key = webhookKey(this.provider, detected.channel, eventName);
    let event = this.events.get(key);
    if (!event) {
      event = {
        drift: {
          event: key,
          channel: detected.channel,
          deliveries: 0,
          firstSeen: null,
          lastSeen: null,
          schema: result.schemaPath ?? `${this.provider}/schemas/${eventName}.json`,
          known: result.known,
          findings: [],
        },
        findings: new Map(),
      };
      this.events.set(key, event);
    }
    const drift = event.drift;
    drift.deliveries++;
    drift.firstSeen = earlier(drift.firstSeen, receivedAt);
    drift.lastSeen = later(drift.lastSeen, receivedAt);
    if (!result.known) {
      const finding = this.accumulate(event, index, receivedAt, {
        kind: "unknown-event",
        path: "",
        at: { file: drift.schema, pointer: "" },
        name: eventName,
        value: eventName,
      });
      finding.inferred = infer(finding.inferred, body, false);
      return;
    }
    if (this.fastPath && result.valid && result.drift.length === 0) return;
    for (const observation of this.walker.walk(drift.schema, body)) {
      const accumulator = this.accumulate(event, index, receivedAt, observation);
      if (observation.kind === "unknown-property")
        accumulator.inferred = infer(accumulator.inferred, observation.value, true);
    }
  }

  private accumulate(
    event: EventAccumulator,
    index: number,
    receivedAt: string | undefined,
    observation: Observation | (Omit<Observation, "kind"> & { kind: FindingKind }),
  ): Accumulator {
    const { kind, at } = observation;
    // Findings at one schema node are one change of the contract, wherever in the payload they were seen.
    const key = `${kind}\n${at.file}#${at.pointer}\n${observation.name ?? ""}`;
    let accumulator = event.findings.get(key);
    if (!accumulator) {
      accumulator = {
        finding: {
          kind,
          paths: [],
          at,
          ...(observation.name !== undefined ? { name: observation.name } : {}),
          values: [],
          types: [],
          deliveries: 0,
          firstSeen: null,
          lastSeen: null,
        },
        values: new Map(),
        types: new Set(),
        paths: new Set(),
        lastDelivery: -1,
      };
      event.findings.set(key, accumulator);
    }
    const finding = accumulator.finding;
    if (accumulator.lastDelivery !== index) {
      accumulator.lastDelivery = index;
      finding.deliveries++;
      finding.firstSeen = earlier(finding.firstSeen, receivedAt);
      finding.lastSeen = later(finding.lastSeen, receivedAt);
    }
    accumulator.paths.add(observation.path);
    if (kind === "required-missing") accumulator.types.add("missing");
    else if (kind !== "unknown-event") accumulator.types.add(typeLabel(observation.value));
    if (kind === "open-list-value" || kind === "closed-list-value" || kind === "unknown-event") {
      const shown = isCode(observation.value) ? observation.value : redacted(observation.value);
      accumulator.values.set(shown, (accumulator.values.get(shown) ?? 0) + 1);
    }
    return accumulator;
  }

  result(): DriftAnalysis {
    const events: EventDrift[] = [];
    let findings = 0;
    for (const event of this.events.values()) {
      const drift = event.drift;
      drift.findings = [...event.findings.values()].map((accumulator) => {
        const finding = accumulator.finding;
        finding.paths = [...accumulator.paths];
        finding.types = [...accumulator.types].sort();
        finding.values = [...accumulator.values.keys()];
        if (accumulator.inferred) {
          if (finding.kind === "unknown-event") this.eventSchemas.set(drift, accumulator.inferred);
          else this.inferred.set(finding, accumulator.inferred);
        }
        return finding;
      });
      findings += drift.findings.length;
      events.push(drift);
    }
    return {
      provider: this.provider,
      specsDir: this.specsDir,
      deliveries: this.count,
      notDeliveries: { ...this.notDeliveries },
      events,
      findings,
    };
  }
}

/** Analyses every capture at once. */
export function analyseCaptures(
  provider: Provider,
  captures: Iterable<Capture>,
  options: AnalyseOptions = {},
): { analysis: DriftAnalysis; analyser: DriftAnalyser } {
  const analyser = new DriftAnalyser(provider, options);
  for (const capture of captures) analyser.add(capture);
  return { analysis: analyser.result(), analyser };
}
