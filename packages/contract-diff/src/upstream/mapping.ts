// The mapping file (`specs/<provider>/upstream.yaml`): which official schema each contract schema file models, which
// official schemas the contract leaves out on purpose, and which differences are known. Reviewed like the schemas,
// so every entry carries a one-line reason. Read and checked here; the comparison is in compare.ts.
import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { isObject } from "../facets.js";
import { UpstreamError } from "./errors.js";
import { isUpstreamKind, type UpstreamKind } from "./rules.js";

export interface MappedEntry {
  /** Names under `components.schemas` of the provider's document, each matched exactly. */
  official: string[];
  /** The contract schema file they are compared with, relative to the specs folder. */
  contract: string;
  reason: string;
  /** Where the entry is in the mapping file: `/mapped/3`. */
  at: string;
}

export interface IgnoredEntry {
  /** Names or patterns (`*` stands for any run of characters) under `components.schemas`. */
  official: string[];
  reason: string;
  at: string;
}

export interface KnownEntry {
  /** The official side of the difference: `#/components/schemas/<name>/…`. */
  official?: string;
  /** The contract side: `<file>#/…`, relative to the specs folder. */
  contract?: string;
  kind: UpstreamKind;
  /** The bold title of the entry of the specs README's "Where the sources disagree" that records it. */
  readme: string;
  reason: string;
  at: string;
}

export interface UpstreamMapping {
  provider: string;
  /** The mapping file, as given. */
  file: string;
  /** What the provider's document is, in the words of the contract's sources: `meetingbaas docs: openapi-v2.json`. */
  document: string;
  mapped: MappedEntry[];
  ignored: IgnoredEntry[];
  known: KnownEntry[];
}

type Json = Record<string, unknown>;

class Reader {
  constructor(readonly file: string) {}

  fail(at: string, message: string): never {
    throw new UpstreamError("mapping_invalid", `${this.file} at ${at || "/"}: ${message}`, this.file, at);
  }

  text(node: Json, key: string, at: string): string {
    const value = node[key];
    if (typeof value !== "string" || value.trim() === "")
      this.fail(`${at}/${key}`, `\`${key}\` must be a text.`);
    return value;
  }

  names(node: Json, at: string): string[] {
    const value = node.official;
    const list = typeof value === "string" ? [value] : value;
    if (
      !Array.isArray(list) ||
      list.length === 0 ||
      !list.every((name) => typeof name === "string" && name)
    ) {
      this.fail(`${at}/official`, "`official` must be a schema name or a list of them.");
    }
    return list as string[];
  }

  list(root: Json, key: string): Json[] {
    const value = root[key] ?? [];
    if (!Array.isArray(value)) this.fail(`/${key}`, `\`${key}\` must be a list.`);
    return value.map((entry, i) =>
      isObject(entry) ? entry : this.fail(`/${key}/${i}`, "an entry must be a map."),
    );
  }
}

/** Parses a mapping file's text; `file` names it in messages. */
export function parseUpstreamMapping(text: string, file: string): UpstreamMapping {
  const read: Reader = new Reader(file);
  let root: unknown;
  try {
    root = parseYaml(text);
  } catch (error) {
    throw new UpstreamError(
      "mapping_invalid",
      `${file} is not valid YAML: ${(error as Error).message}`,
      file,
    );
  }
  if (!isObject(root))
    return read.fail("", "the file must be a map with `provider`, `document` and `mapped`.");
  const provider = read.text(root, "provider", "");
  if (root.document === null) {
    // A provider without a machine-readable document: the file says what to check by hand instead.
    const manual = read.text(root, "manualCheck", "");
    throw new UpstreamError(
      "no_machine_readable_document",
      `${provider} publishes no machine-readable document of its webhooks, so there is nothing to compare. ` +
        `Check the contract by hand instead: ${manual}`,
      file,
      "/document",
    );
  }
  const mapped = read.list(root, "mapped").map((entry, i) => {
    const at = `/mapped/${i}`;
    const contract = read.text(entry, "contract", at);
    if (contract.includes("#"))
      read.fail(`${at}/contract`, "`contract` is a schema file, without a `#` pointer.");
    return { official: read.names(entry, at), contract, reason: read.text(entry, "reason", at), at };
  });
  const ignored = read.list(root, "ignored").map((entry, i) => {
    const at = `/ignored/${i}`;
    return { official: read.names(entry, at), reason: read.text(entry, "reason", at), at };
  });
  const known = read.list(root, "known").map((entry, i) => {
    const at = `/known/${i}`;
    const kind = read.text(entry, "kind", at);
    if (!isUpstreamKind(kind))
      read.fail(`${at}/kind`, `unknown kind "${kind}": use a kind the report prints.`);
    const official = entry.official === undefined ? undefined : read.text(entry, "official", at);
    const contract = entry.contract === undefined ? undefined : read.text(entry, "contract", at);
    if (official === undefined && contract === undefined) {
      read.fail(at, "a known difference needs its `official` pointer, its `contract` pointer, or both.");
    }
    if (official !== undefined && !official.startsWith("#/")) {
      read.fail(
        `${at}/official`,
        "`official` is a pointer into the provider's document: `#/components/schemas/…`.",
      );
    }
    if (contract !== undefined && !/^[^#]+#(\/.*)?$/.test(contract)) {
      read.fail(
        `${at}/contract`,
        "`contract` is a schema file and a pointer: `<provider>/schemas/<file>.json#/…`.",
      );
    }
    return {
      ...(official !== undefined ? { official } : {}),
      ...(contract !== undefined ? { contract } : {}),
      kind,
      readme: read.text(entry, "readme", at),
      reason: read.text(entry, "reason", at),
      at,
    };
  });
  return { provider, file, document: read.text(root, "document", ""), mapped, ignored, known };
}

/** Reads `path`; `display` names it in messages (default: the path). */
export function readUpstreamMapping(path: string, display: string = path): UpstreamMapping {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === "ENOENT";
    throw new UpstreamError(
      missing ? "mapping_not_found" : "mapping_invalid",
      missing
        ? `No mapping file ${display}: the contract says there which official schema each schema file models.`
        : `Cannot read ${display}: ${(error as Error).message}`,
      display,
    );
  }
  return parseUpstreamMapping(text, display);
}

const patterns = new Map<string, RegExp>();

/** Whether an official schema name matches a name or pattern of the mapping file (`*`: any run of characters). */
export function matchesName(pattern: string, name: string): boolean {
  if (!pattern.includes("*")) return pattern === name;
  let regex = patterns.get(pattern);
  if (!regex) {
    const source = pattern
      .split("*")
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
      .join(".*");
    regex = new RegExp(`^${source}$`);
    patterns.set(pattern, regex);
  }
  return regex.test(name);
}
