// Compares two versions of a provider contract webhook by webhook: whether each event is still sent, how it is
// authenticated, its headers and its body schema. Every change is recorded for the receiver of the deliveries,
// with its severity fixed by its kind (rules.ts).
import { canonical } from "./canonical.js";
import { isDocKeyword, isObject } from "./facets.js";
import { type LoadedContract, type LoadOptions, loadContract } from "./load.js";
import { child } from "./pointer.js";
import { type ChangeKind, type ChangeLocation, rules, type Severity, severityOf } from "./rules.js";
import { diffSchema, type SchemaChange, show } from "./schema-diff.js";

type Json = Record<string, unknown>;

export interface ContractChange {
  /** The webhook key under `webhooks`, e.g. `webhook/bot.completed`. */
  event: string;
  /** What part of the delivery changed. */
  in: ChangeLocation;
  /**
   * JSON pointer: into the payload for `body` (e.g. `/data/status/code`, `*` for every item), into the headers
   * (lower-cased names) for `header` and `security`, empty for the whole event.
   */
  path: string;
  kind: ChangeKind;
  severity: Severity;
  /** What changed and why it matters to a receiver, in one line. */
  message: string;
}

export interface ContractDiff {
  old: string;
  new: string;
  /** `info.title` of the new version. */
  title: string;
  breaking: number;
  safe: number;
  /** Every event of either version, in document order (old first, then events only the new one has). */
  events: string[];
  /** Breaking changes first, then in the order found (event, security, headers, body from the top down). */
  changes: ContractChange[];
}

const methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;

const asObject = (value: unknown): Json => (isObject(value) ? value : {});

class ChangeList {
  readonly changes: ContractChange[] = [];
  private readonly seen = new Set<string>();

  add(event: string, location: ChangeLocation, path: string, kind: ChangeKind, what: string): void {
    const message = `${what}: ${rules[kind].why}`;
    // The same value can be reached twice (an array's items and its `contains`): report it once.
    const key = `${event}\n${location}\n${path}\n${kind}\n${message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.changes.push({ event, in: location, path, kind, severity: severityOf(kind), message });
  }

  /** Records a change found on one list into this one, its message prefixed (`PUT: `) when given. */
  addFrom(change: ContractChange, prefix: string): void {
    const key = `${change.event}\n${change.in}\n${change.path}\n${change.kind}\n${prefix}${change.message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.changes.push({ ...change, message: `${prefix}${change.message}` });
  }

  addSchemaChanges(event: string, location: ChangeLocation, changes: SchemaChange[], prefix = ""): void {
    for (const change of changes)
      this.add(event, location, change.path, change.kind, `${prefix}${change.what}`);
  }
}

/** Compares two loaded contract versions. */
export function diffContracts(before: LoadedContract, after: LoadedContract): ContractDiff {
  const list = new ChangeList();
  const oldHooks = asObject(before.document.webhooks);
  const newHooks = asObject(after.document.webhooks);
  const events = [...new Set([...Object.keys(oldHooks), ...Object.keys(newHooks)])];
  for (const event of events) {
    const o = oldHooks[event];
    const n = newHooks[event];
    if (o === undefined) list.add(event, "event", "", "event-added", "new event");
    else if (n === undefined) list.add(event, "event", "", "event-removed", "event removed");
    else compareWebhook(list, event, asObject(o), asObject(n), before.document, after.document);
  }
  // Stable sort: breaking first, each group in the order found.
  const breakingChanges = list.changes.filter((change) => change.severity === "breaking");
  const changes = [...breakingChanges, ...list.changes.filter((change) => change.severity === "safe")];
  const breaking = breakingChanges.length;
  return {
    old: before.source,
    new: after.source,
    title: after.title,
    breaking,
    safe: changes.length - breaking,
    events,
    changes,
  };
}

/** Loads both versions (file paths or `git:<ref>:<path>`) and compares them. */
export async function diffSpecs(
  oldSpec: string,
  newSpec: string,
  options: LoadOptions = {},
): Promise<ContractDiff> {
  const [before, after] = await Promise.all([loadContract(oldSpec, options), loadContract(newSpec, options)]);
  return diffContracts(before, after);
}

function compareWebhook(list: ChangeList, event: string, o: Json, n: Json, oldDoc: Json, newDoc: Json): void {
  const oldMethods = methods.filter((method) => isObject(o[method]));
  const newMethods = methods.filter((method) => isObject(n[method]));
  for (const method of oldMethods.filter((m) => !newMethods.includes(m)))
    list.add(event, "event", "", "method-removed", `no longer sent with ${method.toUpperCase()}`);
  for (const method of newMethods.filter((m) => !oldMethods.includes(m)))
    list.add(event, "event", "", "method-added", `now also sent with ${method.toUpperCase()}`);
  // Each method kept is compared on its own; a change found on every one of them (a payload field, a header the
  // operations share) is reported once, and one found on some methods only says which (`PUT: …`).
  const kept = oldMethods.filter((m) => newMethods.includes(m));
  const perMethod = kept.map((method) => {
    const found = new ChangeList();
    compareOperation(found, event, "", {
      before: { operation: asObject(o[method]), pathItem: o, document: oldDoc },
      after: { operation: asObject(n[method]), pathItem: n, document: newDoc },
    });
    return { method, changes: found.changes };
  });
  const keyOf = (change: ContractChange) => `${change.in}\n${change.path}\n${change.kind}\n${change.message}`;
  const onEvery = new Set(
    (perMethod[0]?.changes ?? [])
      .map(keyOf)
      .filter((key) => perMethod.every(({ changes }) => changes.some((change) => keyOf(change) === key))),
  );
  for (const { method, changes } of perMethod) {
    for (const change of changes) {
      list.addFrom(change, onEvery.has(keyOf(change)) ? "" : `${method.toUpperCase()}: `);
    }
  }
}

interface Side {
  operation: Json;
  pathItem: Json;
  document: Json;
}

const operationDocs = ["summary", "description", "operationId", "tags", "externalDocs", "deprecated"];

function compareOperation(
  list: ChangeList,
  event: string,
  label: string,
  { before, after }: { before: Side; after: Side },
): void {
  const docs: string[] = [];
  for (const key of operationDocs) {
    const [o, n] = [before.operation[key], after.operation[key]];
    if (canonical(o) === canonical(n)) continue;
    if (key === "deprecated") docs.push(n === true ? "now deprecated" : "no longer deprecated");
    else if (key === "operationId") docs.push(`operationId changed from ${show(o)} to ${show(n)}`);
    else docs.push(`${key} changed`);
  }
  if (docs.length > 0) list.add(event, "event", "", "docs-changed", `${label}${docs.join(", ")}`);

  const signatureHeaders = new Set([
    ...signatureHeaderNames(before.operation, before.document),
    ...signatureHeaderNames(after.operation, after.document),
  ]);
  compareSecurity(list, event, label, before, after);
  compareHeaders(list, event, label, headersOf(before), headersOf(after), signatureHeaders);
  compareBody(
    list,
    event,
    label,
    asObject(before.operation.requestBody),
    asObject(after.operation.requestBody),
  );
}

// Authentication ----------------------------------------------------------------------------------------------

/** The alternatives a delivery may be authenticated with, each a canonical list of scheme definitions. */
function securityAlternatives(operation: Json, document: Json): Map<string, { label: string; path: string }> {
  const requirements = requirementsOf(operation, document);
  const schemes = asObject(asObject(document.components).securitySchemes);
  const alternatives = new Map<string, { label: string; path: string }>();
  for (const requirement of requirements) {
    const entries = Object.entries(asObject(requirement)).sort(([a], [b]) => (a < b ? -1 : 1));
    const described = entries.map(([name, scopes]) => {
      const scheme = asObject(schemes[name]);
      const definition = Object.fromEntries(Object.entries(scheme).filter(([key]) => !isDocKeyword(key)));
      return { definition, scopes, scheme, name };
    });
    const key = canonical(
      described
        .map(({ definition, scopes }) => ({ definition, scopes }))
        .sort((a, b) => (canonical(a) < canonical(b) ? -1 : 1)),
    );
    const label =
      described.length === 0
        ? "no authentication"
        : described.map(({ scheme, name }) => schemeLabel(scheme, name)).join(" and ");
    const header = described.find(({ scheme }) => scheme.in === "header" && typeof scheme.name === "string");
    const path = header ? child("", String(header.scheme.name).toLowerCase()) : "";
    alternatives.set(key, { label, path });
  }
  return alternatives;
}

function schemeLabel(scheme: Json, name: string): string {
  if (scheme.type === "apiKey") return `${name} (${String(scheme.in)} \`${String(scheme.name)}\`)`;
  if (scheme.type === "http") return `${name} (HTTP ${String(scheme.scheme)})`;
  return `${name} (${String(scheme.type)})`;
}

/** The security requirements in force: the operation's own, else the document's. */
function requirementsOf(operation: Json, document: Json): Json[] {
  const requirements = Array.isArray(operation.security)
    ? operation.security
    : Array.isArray(document.security)
      ? document.security
      : [];
  return requirements.map(asObject);
}

function signatureHeaderNames(operation: Json, document: Json): string[] {
  const requirements = requirementsOf(operation, document);
  const schemes = asObject(asObject(document.components).securitySchemes);
  const names: string[] = [];
  for (const requirement of requirements) {
    for (const name of Object.keys(asObject(requirement))) {
      const scheme = asObject(schemes[name]);
      if (scheme.type === "apiKey" && scheme.in === "header" && typeof scheme.name === "string")
        names.push(scheme.name.toLowerCase());
      if (scheme.type === "http") names.push("authorization");
    }
  }
  return names;
}

function compareSecurity(list: ChangeList, event: string, label: string, before: Side, after: Side): void {
  const o = securityAlternatives(before.operation, before.document);
  const n = securityAlternatives(after.operation, after.document);
  for (const [key, alternative] of o) {
    if (!n.has(key))
      list.add(
        event,
        "security",
        alternative.path,
        "security-changed",
        `${label}no longer authenticated with ${alternative.label}`,
      );
  }
  for (const [key, alternative] of n) {
    if (o.has(key)) continue;
    const what =
      alternative.label === "no authentication"
        ? "may now arrive without authentication"
        : `may now be authenticated with ${alternative.label}`;
    list.add(event, "security", alternative.path, "security-changed", `${label}${what}`);
  }
  // Same schemes, other words: a documentation change.
  const oldSchemes = asObject(asObject(before.document.components).securitySchemes);
  const newSchemes = asObject(asObject(after.document.components).securitySchemes);
  const used = new Set(
    [before, after].flatMap((side) =>
      requirementsOf(side.operation, side.document).flatMap((requirement) => Object.keys(requirement)),
    ),
  );
  for (const name of used) {
    const [a, b] = [asObject(oldSchemes[name]), asObject(newSchemes[name])];
    if (
      Object.keys(a).length > 0 &&
      Object.keys(b).length > 0 &&
      canonical(a.description) !== canonical(b.description)
    ) {
      const path = a.in === "header" && typeof a.name === "string" ? child("", a.name.toLowerCase()) : "";
      list.add(
        event,
        "security",
        path,
        "docs-changed",
        `${label}description of security scheme \`${name}\` changed`,
      );
    }
  }
}

// Headers -----------------------------------------------------------------------------------------------------

interface HeaderParameter {
  name: string;
  required: boolean;
  schema: unknown;
  docs: unknown;
}

function headersOf(side: Side): Map<string, HeaderParameter> {
  const headers = new Map<string, HeaderParameter>();
  // Operation parameters override path-item parameters of the same name.
  for (const list of [side.pathItem.parameters, side.operation.parameters]) {
    if (!Array.isArray(list)) continue;
    for (const parameter of list.map(asObject)) {
      if (parameter.in !== "header" || typeof parameter.name !== "string") continue;
      headers.set(parameter.name.toLowerCase(), {
        name: parameter.name,
        required: parameter.required === true,
        schema: parameter.schema ?? true,
        docs: Object.fromEntries(Object.entries(parameter).filter(([key]) => isDocKeyword(key))),
      });
    }
  }
  return headers;
}

function compareHeaders(
  list: ChangeList,
  event: string,
  label: string,
  before: Map<string, HeaderParameter>,
  after: Map<string, HeaderParameter>,
  signatureHeaders: Set<string>,
): void {
  for (const key of new Set([...before.keys(), ...after.keys()])) {
    const [o, n] = [before.get(key), after.get(key)];
    const path = child("", key);
    const signature = signatureHeaders.has(key) ? "signature header " : "header ";
    if (o && !n) {
      list.add(event, "header", path, "header-removed", `${label}${signature}\`${o.name}\` removed`);
      continue;
    }
    if (!o && n) {
      const required = n.required ? "required" : "optional";
      list.add(
        event,
        "header",
        path,
        "header-added",
        `${label}${signature}\`${n.name}\` added (${required})`,
      );
      continue;
    }
    if (!o || !n) continue;
    if (o.required && !n.required)
      list.add(
        event,
        "header",
        path,
        "header-optional",
        `${label}${signature}\`${n.name}\` no longer required`,
      );
    if (!o.required && n.required)
      list.add(event, "header", path, "header-required", `${label}${signature}\`${n.name}\` now required`);
    if (canonical(o.docs) !== canonical(n.docs))
      list.add(
        event,
        "header",
        path,
        "docs-changed",
        `${label}description or examples of \`${n.name}\` changed`,
      );
    const changes = diffSchema(o.schema, n.schema, path);
    if (signatureHeaders.has(key)) {
      for (const change of changes) {
        const kind = change.kind === "docs-changed" ? "docs-changed" : "signature-header-changed";
        list.add(event, "header", change.path, kind, `${label}\`${n.name}\`: ${change.what}`);
      }
    } else {
      list.addSchemaChanges(event, "header", changes, `${label}\`${n.name}\`: `);
    }
  }
}

// Body --------------------------------------------------------------------------------------------------------

function compareBody(list: ChangeList, event: string, label: string, before: Json, after: Json): void {
  const [wasRequired, isRequired] = [before.required === true, after.required === true];
  if (wasRequired && !isRequired)
    list.add(event, "body", "", "body-optional", `${label}request body no longer required`);
  if (!wasRequired && isRequired)
    list.add(event, "body", "", "body-required", `${label}request body now required`);
  if (canonical(before.description) !== canonical(after.description))
    list.add(event, "body", "", "docs-changed", `${label}request body description changed`);
  const o = asObject(before.content);
  const n = asObject(after.content);
  const types = [...new Set([...Object.keys(o), ...Object.keys(n)])];
  for (const type of types) {
    const [a, b] = [o[type], n[type]];
    const prefix = `${label}${types.length > 1 ? `${type}: ` : ""}`;
    if (a === undefined) {
      list.add(event, "body", "", "content-type-added", `${prefix}now also sent as \`${type}\``);
      continue;
    }
    if (b === undefined) {
      list.add(event, "body", "", "content-type-removed", `${prefix}no longer sent as \`${type}\``);
      continue;
    }
    const [oldMedia, newMedia] = [asObject(a), asObject(b)];
    const examples = (media: Json) => canonical([media.example, media.examples]);
    if (examples(oldMedia) !== examples(newMedia))
      list.add(event, "body", "", "docs-changed", `${prefix}examples changed`);
    list.addSchemaChanges(
      event,
      "body",
      diffSchema(oldMedia.schema ?? true, newMedia.schema ?? true),
      prefix,
    );
  }
}
