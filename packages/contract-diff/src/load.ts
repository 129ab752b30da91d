// Loads one version of a contract: the OpenAPI document and every file its `$ref`s reach, read from the same
// source, then resolved into one object graph. A `$ref` becomes the very object it points at, so two references
// to one schema share it and a recursive schema becomes a cycle in the graph instead of an endless expansion.
import { parse as parseYaml } from "yaml";
import { ContractLoadError } from "./errors.js";
import { isObject } from "./facets.js";
import { pointerToken, valueAt } from "./pointer.js";
import { describeSource, openSource, parseSpecSource, type SourceReader, type SpecSource } from "./source.js";

type Json = Record<string, unknown>;

export interface LoadedContract {
  /** The source as given, e.g. `git:origin/main:specs/meetingbaas/openapi.yaml`. */
  source: string;
  /** `info.title` of the document. */
  title: string;
  /** The OpenAPI document with every `$ref` resolved (it may contain cycles). */
  document: Json;
}

export interface LoadOptions {
  /** Where file paths and git commands are relative to. Default: the process's working directory. */
  cwd?: string;
}

/** A `$ref` that names another document by URL is left as it is: this tool reads no network. */
const isRemote = (ref: string) => /^[a-z][a-z0-9+.-]*:/i.test(ref);

function splitRef(ref: string): { file: string; pointer: string } {
  const hash = ref.indexOf("#");
  return hash === -1
    ? { file: ref, pointer: "" }
    : { file: ref.slice(0, hash), pointer: ref.slice(hash + 1) };
}

function parseDocument(reader: SourceReader, path: string, text: string): unknown {
  try {
    return path.endsWith(".json") ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new ContractLoadError(
      "parse_failed",
      `${reader.display(path)} is not valid ${path.endsWith(".json") ? "JSON" : "YAML"}: ${(error as Error).message}`,
      reader.display(path),
    );
  }
}

function collectRefs(node: unknown, found: string[]): void {
  if (Array.isArray(node)) for (const item of node) collectRefs(item, found);
  else if (isObject(node)) {
    if (typeof node.$ref === "string") found.push(node.$ref);
    for (const value of Object.values(node)) collectRefs(value, found);
  }
}

/** Reads the root document and, level by level, every file its references reach, each parsed. */
export async function readReferencedFiles(reader: SourceReader): Promise<Map<string, unknown>> {
  const files = new Map<string, unknown>();
  let level = [reader.root];
  const queued = new Set(level);
  /** Which file first referenced each file, to say where a missing one was expected. */
  const referrers = new Map<string, string>();
  const read = async (path: string) => {
    try {
      return await reader.read(path);
    } catch (error) {
      const from = referrers.get(path);
      if (error instanceof ContractLoadError && from !== undefined) {
        throw new ContractLoadError(
          error.code,
          `${error.message} (referenced from ${reader.display(from)})`,
          reader.display(from),
        );
      }
      throw error;
    }
  };
  while (level.length > 0) {
    const texts = await Promise.all(level.map(read));
    const next: string[] = [];
    level.forEach((path, i) => {
      const parsed = parseDocument(reader, path, texts[i] as string);
      files.set(path, parsed);
      const refs: string[] = [];
      collectRefs(parsed, refs);
      for (const ref of refs) {
        const { file } = splitRef(ref);
        if (file === "" || isRemote(file)) continue;
        const target = reader.resolve(path, file);
        if (!queued.has(target)) {
          queued.add(target);
          referrers.set(target, path);
          next.push(target);
        }
      }
    });
    level = next;
  }
  return files;
}

/**
 * Resolves every reference of the root document, memoised per target so that shared schemas stay shared and cycles
 * terminate. `files` holds every file the references reach, parsed, by the reader's path.
 */
export function resolveGraph(reader: SourceReader, files: Map<string, unknown>): unknown {
  const resolved = new Map<string, unknown>();

  function target(file: string, pointer: string, from: string, fromPointer: string, ref: string): unknown {
    const key = `${file}#${pointer}`;
    if (resolved.has(key)) return resolved.get(key);
    // A `$ref` fragment is a URI fragment: its percent-escapes are decoded before it is read as a pointer.
    const node = valueAt(files.get(file), decodeURIComponent(pointer));
    if (node === undefined) {
      throw new ContractLoadError(
        "ref_not_found",
        `$ref "${ref}" in ${reader.display(from)} at ${fromPointer || "/"} points at nothing.`,
        reader.display(from),
        fromPointer,
      );
    }
    return build(file, pointer, node, key);
  }

  function build(file: string, pointer: string, node: unknown, key?: string): unknown {
    if (Array.isArray(node)) {
      const out: unknown[] = [];
      if (key) resolved.set(key, out);
      node.forEach((item, i) => {
        out.push(build(file, `${pointer}/${i}`, item));
      });
      return out;
    }
    if (!isObject(node)) return node;
    if (typeof node.$ref === "string" && !isRemote(node.$ref)) {
      const { file: refFile, pointer: refPointer } = splitRef(node.$ref);
      const targetFile = refFile === "" ? file : reader.resolve(file, refFile);
      const referenced = target(targetFile, refPointer, file, pointer, node.$ref);
      const siblings = Object.keys(node).filter((name) => name !== "$ref");
      if (siblings.length === 0) {
        if (key) resolved.set(key, referenced);
        return referenced;
      }
      // Keywords beside a $ref apply together with it (OpenAPI 3.1, JSON Schema 2020-12): an allOf says so.
      const out: Json = {};
      if (key) resolved.set(key, out);
      for (const name of siblings) out[name] = build(file, `${pointer}/${pointerToken(name)}`, node[name]);
      out.allOf = [referenced, ...(Array.isArray(out.allOf) ? out.allOf : [])];
      return out;
    }
    const out: Json = {};
    if (key) resolved.set(key, out);
    for (const [name, value] of Object.entries(node))
      out[name] = build(file, `${pointer}/${pointerToken(name)}`, value);
    return out;
  }

  return target(reader.root, "", reader.root, "", reader.root);
}

/** Loads a contract version: a file path, `git:<ref>:<path>`, or a parsed source. */
export async function loadContract(
  spec: string | SpecSource,
  options: LoadOptions = {},
): Promise<LoadedContract> {
  const source = typeof spec === "string" ? parseSpecSource(spec) : spec;
  const reader = await openSource(source, options.cwd);
  const files = await readReferencedFiles(reader);
  const document = resolveGraph(reader, files);
  const name = describeSource(source);
  if (!isObject(document) || typeof document.openapi !== "string" || !isObject(document.webhooks)) {
    throw new ContractLoadError(
      "not_openapi",
      `${name} is not an OpenAPI 3.1 document with webhooks (no top-level "openapi" and "webhooks"): give a ` +
        "provider's openapi.yaml.",
      name,
    );
  }
  const info = isObject(document.info) ? document.info : {};
  return { source: name, title: typeof info.title === "string" ? info.title : name, document };
}
