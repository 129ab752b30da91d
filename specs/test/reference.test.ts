// Our Meeting BaaS schemas must agree with the provider's own (meetingbaas/reference/) on property names,
// required-ness, types and nullability. Differences we intend are listed below with their reasons; anything else,
// in either direction, fails, so the list cannot go stale.
import { dirname, join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { listJsonFiles, readJson, specsDir } from "../src/index.js";

type Json = Record<string, any>;

interface Shape {
  types: string[];
  properties?: Record<string, Shape>;
  required?: string[];
  items?: Shape;
}

const official = (readJson(join(specsDir, "meetingbaas/reference/official-webhook-schemas.json")) as Json)
  .schemas as Record<string, Json>;

type Resolve = (ref: string, base: string) => { schema: Json; base: string };

const resolveOurs: Resolve = (ref, base) => {
  const file = resolve(base, ref);
  return { schema: readJson(file) as Json, base: dirname(file) };
};

const resolveOfficial: Resolve = (ref) => {
  const name = ref.replace("#/components/schemas/", "");
  return { schema: official[name] as Json, base: "" };
};

function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Number.isInteger(value)) return "integer";
  return Array.isArray(value) ? "array" : typeof value;
}

function shape(schema: Json, base: string, resolveRef: Resolve): Shape {
  if (typeof schema.$ref === "string") {
    const target = resolveRef(schema.$ref, base);
    return shape(target.schema, target.base, resolveRef);
  }
  const branches: Json[] = schema.anyOf ?? schema.oneOf ?? [];
  if (branches.length > 0) {
    const shapes = branches.map((b) =>
      shape({ ...b, ...(b.type || b.$ref ? {} : { type: schema.type }) }, base, resolveRef),
    );
    return merge(shapes);
  }
  const types =
    schema.type !== undefined
      ? [schema.type].flat()
      : schema.const !== undefined
        ? [typeOf(schema.const)]
        : ["any"];
  const result: Shape = { types: [...new Set(types as string[])].sort() };
  if (schema.properties) {
    result.properties = Object.fromEntries(
      Object.entries(schema.properties as Record<string, Json>).map(([k, v]) => [
        k,
        shape(v, base, resolveRef),
      ]),
    );
    result.required = [...((schema.required as string[]) ?? [])].sort();
  }
  if (schema.items) result.items = shape(schema.items, base, resolveRef);
  return result;
}

/** A union: types add up; properties of object branches merge, and a property is required only if all require it. */
function merge(shapes: Shape[]): Shape {
  const types = [...new Set(shapes.flatMap((s) => s.types))].sort();
  const objects = shapes.filter((s) => s.properties);
  const result: Shape = { types };
  if (objects.length > 0) {
    result.properties = Object.assign({}, ...objects.map((s) => s.properties));
    result.required = (objects[0]?.required ?? []).filter((r) =>
      objects.every((o) => o.required?.includes(r)),
    );
  }
  const items = shapes.filter((s) => s.items).map((s) => s.items as Shape);
  if (items.length > 0) result.items = merge(items);
  return result;
}

function compare(ours: Shape, theirs: Shape, path: string, out: string[]): void {
  if (ours.types.join() !== theirs.types.join()) {
    out.push(`${path}: type ${ours.types.join("|")} (official ${theirs.types.join("|")})`);
  }
  if (ours.properties || theirs.properties) {
    const names = new Set([...Object.keys(ours.properties ?? {}), ...Object.keys(theirs.properties ?? {})]);
    for (const name of [...names].sort()) {
      const a = ours.properties?.[name];
      const b = theirs.properties?.[name];
      const here = `${path}/${name}`;
      if (!a) out.push(`${here}: missing (official has it)`);
      else if (!b) out.push(`${here}: extra (official lacks it)`);
      else {
        const reqA = ours.required?.includes(name) ?? false;
        const reqB = theirs.required?.includes(name) ?? false;
        if (reqA !== reqB)
          out.push(`${here}: ${reqA ? "required" : "optional"} (official ${reqB ? "required" : "optional"})`);
        compare(a, b, here, out);
      }
    }
  }
  if (ours.items && theirs.items) compare(ours.items, theirs.items, `${path}[]`, out);
}

/** Our schema title → the official schema(s) it models. */
function officialNamesFor(title: string): string[] {
  if (title === "BotCompleted") return ["BotWebhookCompleted", "CallbackCompleted"];
  if (title === "BotFailed") return ["BotWebhookFailed", "CallbackFailed"];
  if (title === "RetryCallbackRequest") return ["RetryCallbackRequestBody"];
  if (title === "ResendAccepted") return ["RetryCallbackResponse", "ResendFinalWebhookResponse"];
  if (title.startsWith("Bot")) return [title.replace(/^Bot/, "BotWebhook")];
  if (title.startsWith("Calendar")) return [title.replace(/^Calendar/, "CalendarWebhook")];
  return [title];
}

/**
 * Each intended difference in names, required-ness, types or nullability, with why. Differences below that
 * level are intended too and need no entry: we drop `additionalProperties: false` (providers add fields), replace
 * the `Z`-only date-time pattern with `format: date-time` (real payloads carry offsets), replace the UUID pattern
 * with `format: uuid`, turn closed enums and plain strings of known codes into open lists (values get added), and
 * merge the Zoom and Meet/Teams diarization variants into one object with optional `user_id`.
 */
const intended: Record<string, string> = {
  "BotCompleted/data/chat_messages: extra (official lacks it)":
    'The provider\'s webhooks and artifacts pages show `chat_messages` in every `bot.completed` example and document its artifact; `openapi-v2.json` does not list it yet (specs/README.md, "Where the sources disagree").',
  "RetryCallbackRequest/method: optional (official required)":
    "`method` has a default (`POST`) in the same schema, so a body without it is accepted; only `url` is required.",
  "RetryCallbackRequest/secret: optional (official required)":
    "`secret` has a default (null) in the same schema, so a body without it is accepted; only `url` is required.",
};

/** Every Meeting BaaS schema file: payloads, artifacts and the follow-up API bodies of api.yaml. */
const ourSchemas = listJsonFiles("meetingbaas", "schemas").map((path) => ({
  schemaPath: path,
  schemaFile: join(specsDir, path),
}));
const compared = ourSchemas.filter((s) =>
  officialNamesFor((readJson(s.schemaFile) as Json).title).some((name) => official[name]),
);

describe("the Meeting BaaS schemas against the official ones", () => {
  it("cover every official payload and artifact schema", () => {
    const covered = new Set(
      compared.flatMap((s) => officialNamesFor((readJson(s.schemaFile) as Json).title)),
    );
    const expected = Object.keys(official).filter(
      (name) => !["ZoomDiarizationSegment", "MeetTeamsDiarizationSegment"].includes(name),
    );
    expect([...covered].sort()).toEqual(expected.sort());
  });

  it("differ only where the list of intended differences says why", () => {
    const differences: string[] = [];
    for (const schema of compared) {
      const ours = readJson(schema.schemaFile) as Json;
      for (const name of officialNamesFor(ours.title)) {
        const found: string[] = [];
        compare(
          shape(ours, dirname(schema.schemaFile), resolveOurs),
          shape(official[name] as Json, "", resolveOfficial),
          "",
          found,
        );
        differences.push(...found.map((d) => `${ours.title}${d}`));
      }
    }
    expect([...new Set(differences)].sort()).toEqual(Object.keys(intended).sort());
  });

  it("never forbid unknown properties, unlike the official ones", () => {
    const offenders: string[] = [];
    const walk = (node: unknown, where: string) => {
      if (Array.isArray(node)) {
        for (const [i, n] of node.entries()) walk(n, `${where}/${i}`);
      } else if (node && typeof node === "object") {
        if ((node as Json).additionalProperties === false) offenders.push(where);
        for (const [k, v] of Object.entries(node as Json)) walk(v, `${where}/${k}`);
      }
    };
    for (const schema of ourSchemas) walk(readJson(schema.schemaFile), schema.schemaPath);
    expect(offenders).toEqual([]);
  });
});
