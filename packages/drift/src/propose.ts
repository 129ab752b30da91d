// The smallest edit of the schema files that accepts every captured delivery: a new property where one was never
// described, a new value in a list, a field no longer required, a wider type, a format or bound dropped, a schema
// file for a new event. Each edit goes to the file that declares the node (past `$ref`s, into schemas/common/), and
// the files keep their order and formatting (json-text.ts).
import { type Schema as InferredSchema, mergeSchemas } from "genson-js";
import type { DriftAnalyser, DriftAnalysis, EventDrift, Finding } from "./analyse.js";
import { JsonFileEditor, printJson } from "./json-text.js";
import type { Schema } from "./schema-files.js";
import { SchemaFiles } from "./schema-files.js";

export interface ProposedFile {
  /** Relative to the specs folder. */
  path: string;
  /** The file as it is, or null for a new file. */
  before: string | null;
  after: string;
}

/** What the proposal could not do by itself, and why. */
export interface ManualStep {
  event: string;
  path: string;
  why: string;
}

export interface Proposal {
  files: ProposedFile[];
  manual: ManualStep[];
}

/** The findings of every event at one schema node, counted together (callbacks and webhooks share schemas). */
interface Merged {
  finding: Finding;
  events: string[];
  inferred?: InferredSchema;
}

const formatsWorthKeeping = new Set(["date-time", "date", "uri", "uuid"]);

function day(time: string | null): string | undefined {
  return time === null ? undefined : time.slice(0, 10);
}

/** "observed in 3 deliveries between 2026-11-02 and 2026-12-01, not documented by the provider" */
export function observedNote(finding: Pick<Finding, "deliveries" | "firstSeen" | "lastSeen">): string {
  const count = `${finding.deliveries} deliver${finding.deliveries === 1 ? "y" : "ies"}`;
  const [first, last] = [day(finding.firstSeen), day(finding.lastSeen)];
  const when = first && last ? (first === last ? ` on ${first}` : ` between ${first} and ${last}`) : "";
  return `observed in ${count}${when}, not documented by the provider`;
}

const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** The provenance of an observed fact, as the contracts' `x-source` keyword names sources. */
export function observedSource(finding: Pick<Finding, "deliveries" | "firstSeen" | "lastSeen">): string[] {
  return [
    `meeting-webhooks drift: ${observedNote(finding).replace(/, not documented by the provider$/, "")}`,
  ];
}

/** Puts `null` last, as the contracts write nullable types. */
function orderTypes(types: string[]): string | string[] {
  const unique = [...new Set(types)];
  const sorted = [...unique.filter((t) => t !== "null"), ...unique.filter((t) => t === "null")];
  return sorted.length === 1 ? (sorted[0] as string) : sorted;
}

/** An inferred schema in the contracts' style: a description on every node, `description` then `type` first. */
function houseSchema(
  inferred: InferredSchema,
  description: string,
  types: string[] = [],
  source?: string[],
): Schema {
  const out: Schema = source ? { description, "x-source": source } : { description };
  if (inferred.anyOf) {
    out.anyOf = inferred.anyOf.map((branch) => houseSchema(branch, "One of the shapes observed."));
    return out;
  }
  if (inferred.type !== undefined)
    out.type = orderTypes(Array.isArray(inferred.type) ? inferred.type : [inferred.type]);
  const formats = new Set(types.filter((t) => t.startsWith("string")).map((t) => /\((.+)\)/.exec(t)?.[1]));
  const [format] = [...formats];
  if (formats.size === 1 && format !== undefined && formatsWorthKeeping.has(format)) out.format = format;
  if (inferred.properties) {
    out.properties = Object.fromEntries(
      Object.entries(inferred.properties).map(([name, child]) => [
        name,
        houseSchema(child, `Observed inside the object, not documented by the provider.`),
      ]),
    );
  }
  if (inferred.required && inferred.required.length > 0) out.required = inferred.required;
  if (inferred.items) out.items = houseSchema(inferred.items, "One item, as observed.");
  return out;
}

/** `bot.recording_ready` → `BotRecordingReady`: a schema title, as the generated type's name. */
export function titleOf(eventName: string): string {
  return eventName
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map(capitalised)
    .join("");
}

function mergeFindings(analysis: DriftAnalysis, analyser: DriftAnalyser): Map<string, Merged> {
  const merged = new Map<string, Merged>();
  for (const event of analysis.events) {
    for (const finding of event.findings) {
      if (finding.kind === "unknown-event") continue;
      const key = `${finding.kind}\n${finding.at.file}#${finding.at.pointer}\n${finding.name ?? ""}`;
      const inferred = analyser.inferred.get(finding);
      const existing = merged.get(key);
      if (!existing) {
        merged.set(key, {
          finding: {
            ...finding,
            paths: [...finding.paths],
            values: [...finding.values],
            types: [...finding.types],
          },
          events: [event.event],
          ...(inferred ? { inferred } : {}),
        });
        continue;
      }
      const f = existing.finding;
      existing.events.push(event.event);
      f.deliveries += finding.deliveries;
      if (finding.firstSeen !== null && (f.firstSeen === null || finding.firstSeen < f.firstSeen))
        f.firstSeen = finding.firstSeen;
      if (finding.lastSeen !== null && (f.lastSeen === null || finding.lastSeen > f.lastSeen))
        f.lastSeen = finding.lastSeen;
      f.paths = [...new Set([...f.paths, ...finding.paths])];
      f.values = [...new Set([...f.values, ...finding.values])];
      f.types = [...new Set([...f.types, ...finding.types])].sort();
      if (inferred)
        existing.inferred = existing.inferred ? mergeSchemas([existing.inferred, inferred]) : inferred;
    }
  }
  return merged;
}

const isObject = (value: unknown): value is Schema =>
  typeof value === "object" && value !== null && !Array.isArray(value);

function nodeAt(schema: Schema, pointer: string): unknown {
  let node: unknown = schema;
  for (const token of pointer.split("/").slice(1)) {
    const key = token.replace(/~1/g, "/").replace(/~0/g, "~");
    node = Array.isArray(node) ? node[Number(key)] : isObject(node) ? node[key] : undefined;
  }
  return node;
}

const isCodeValue = (value: string) => !value.startsWith("<redacted");

/** Builds the proposal from an analysis (and the analyser that holds the inferred schemas). */
export function proposeChanges(analysis: DriftAnalysis, analyser: DriftAnalyser): Proposal {
  const files = new SchemaFiles(analysis.specsDir);
  const editors = new Map<string, JsonFileEditor>();
  const editor = (path: string) => {
    let found = editors.get(path);
    if (!found) {
      found = new JsonFileEditor(files.text(path), path);
      editors.set(path, found);
    }
    return found;
  };
  const manual: ManualStep[] = [];
  const newProperties = new Map<string, { file: string; pointer: string; members: [string, unknown][] }>();
  const requiredRemovals = new Map<string, { file: string; pointer: string; names: Set<string> }>();
  const removedKeywords = new Set<string>();
  /** Per file, the observations its edits (other than new properties, which carry their own) rest on. */
  const observedIn = new Map<string, Set<string>>();
  const observed = (file: string, finding: Finding) => {
    const sources = observedIn.get(file) ?? new Set<string>();
    for (const source of observedSource(finding)) sources.add(source);
    observedIn.set(file, sources);
  };

  for (const { finding, events, inferred } of mergeFindings(analysis, analyser).values()) {
    const { file, pointer } = finding.at;
    const node = nodeAt(files.schema(file), pointer);
    const event = events.join(", ");
    const where = finding.paths.join(", ");
    if (!isObject(node)) {
      manual.push({ event, path: where, why: `${file}#${pointer} is not a schema object` });
      continue;
    }
    switch (finding.kind) {
      case "unknown-property": {
        const name = finding.name as string;
        const schema = houseSchema(
          inferred ?? {},
          `${capitalised(observedNote(finding))}.`,
          finding.types,
          observedSource(finding),
        );
        const key = `${file}#${pointer}`;
        const entry = newProperties.get(key) ?? { file, pointer, members: [] };
        entry.members.push([name, schema]);
        newProperties.set(key, entry);
        break;
      }
      case "required-missing": {
        const key = `${file}#${pointer}`;
        const entry = requiredRemovals.get(key) ?? { file, pointer, names: new Set() };
        entry.names.add(finding.name as string);
        requiredRemovals.set(key, entry);
        observed(file, finding);
        break;
      }
      case "open-list-value":
      case "closed-list-value": {
        if (finding.name === "const") {
          manual.push({
            event,
            path: where,
            why: "a value other than the schema's `const`: a new event or a mistake",
          });
          break;
        }
        const known = (node.enum as unknown[]) ?? [];
        const values = finding.values.filter(isCodeValue);
        if (values.length < finding.values.length)
          manual.push({
            event,
            path: where,
            why: "values that are not codes (redacted) were seen in a list",
          });
        if (values.length === 0) break;
        editor(file).replace(`${pointer}/enum`, [...known, ...values]);
        observed(file, finding);
        const parent = finding.kind === "open-list-value" ? pointer.replace(/\/anyOf\/\d+$/, "") : pointer;
        const owner = nodeAt(files.schema(file), parent);
        if (isObject(owner) && typeof owner.description === "string" && owner.description.includes("\n- `")) {
          const lines = values.map((value) => `\n- \`${value}\`: ${observedNote(finding)}.`).join("");
          // After the last bullet of the list, before any paragraph that follows it.
          const text = owner.description;
          const lastBullet = text.lastIndexOf("\n- `");
          const end = text.indexOf("\n", lastBullet + 1);
          const at = end < 0 ? text.length : end;
          editor(file).replace(`${parent}/description`, `${text.slice(0, at)}${lines}${text.slice(at)}`);
        }
        break;
      }
      case "type-mismatch": {
        if (node.type === undefined) {
          manual.push({ event, path: where, why: `${file}#${pointer} has no \`type\` to widen (an anyOf)` });
          break;
        }
        const current = Array.isArray(node.type) ? (node.type as string[]) : [node.type as string];
        const seen = finding.types.map((label) => label.replace(/ \(.*\)$/, ""));
        editor(file).replace(`${pointer}/type`, orderTypes([...current, ...seen]));
        observed(file, finding);
        break;
      }
      case "format-mismatch":
      case "constraint-mismatch": {
        const key = `${file}#${pointer}/${finding.name}`;
        if (!removedKeywords.has(key)) editor(file).removeMember(pointer, finding.name as string);
        removedKeywords.add(key);
        observed(file, finding);
        break;
      }
    }
  }
  for (const { file, pointer, members } of newProperties.values()) {
    const node = nodeAt(files.schema(file), pointer) as Schema;
    if (isObject(node.properties)) editor(file).addMembers(`${pointer}/properties`, members);
    else editor(file).addMembers(pointer, [["properties", Object.fromEntries(members)]]);
  }
  for (const { file, pointer, names } of requiredRemovals.values()) {
    const node = nodeAt(files.schema(file), pointer) as Schema;
    const left = (node.required as string[]).filter((name) => !names.has(name));
    if (left.length === 0) editor(file).removeMember(pointer, "required");
    else editor(file).replace(`${pointer}/required`, left);
  }
  // Facts have sources: a file whose facts now rest on observed traffic says so in its `x-source` list.
  for (const [file, sources] of observedIn) {
    const current = files.schema(file)["x-source"];
    if (!Array.isArray(current)) continue;
    const added = [...sources].filter((source) => !current.includes(source));
    if (added.length > 0) editor(file).replace("/x-source", [...current, ...added]);
  }

  const out: ProposedFile[] = [];
  for (const [path, edits] of editors) out.push({ path, before: edits.text, after: edits.apply() });
  for (const event of analysis.events) out.push(...newEventFiles(event, analyser, manual));
  out.sort((a, b) => (a.path < b.path ? -1 : 1));
  return { files: out, manual };
}

function newEventFiles(event: EventDrift, analyser: DriftAnalyser, manual: ManualStep[]): ProposedFile[] {
  const finding = event.findings.find((f) => f.kind === "unknown-event");
  const inferred = analyser.eventSchemas.get(event);
  if (!finding || !inferred) return [];
  const name = finding.values[0];
  if (name === undefined || !isCodeValue(name) || !/^[A-Za-z0-9_.-]+$/.test(name)) {
    manual.push({
      event: event.event,
      path: "",
      why: "an event whose name is not a code cannot name a schema file",
    });
    return [];
  }
  const body = houseSchema(inferred, "");
  const schema: Schema = {
    title: titleOf(name),
    description: `The \`${name}\` event, ${observedNote(finding)}. Inferred from the deliveries: check it against the provider's material before relying on it.`,
    "x-source": observedSource(finding),
    ...Object.fromEntries(Object.entries(body).filter(([key]) => key !== "description")),
  };
  manual.push({
    event: event.event,
    path: "",
    why: `new event: reference ${event.schema} from the provider's openapi.yaml and asyncapi.yaml with a realistic example, then npm run generate`,
  });
  return [{ path: event.schema, before: null, after: `${printJson(schema, "", 0)}\n` }];
}
