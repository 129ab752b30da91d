// The upstream check: compares the provider's own machine-readable document with the contract, through the
// mapping file, and lists every difference the conventions do not explain, classified with the contract change
// rules (the contract is the old side, the provider's document the new side). Differences recorded on purpose
// (`known` in the mapping file) are listed apart; a `known` entry that matches nothing is itself a finding, so the
// list cannot go stale.
import { existsSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { readReferencedFiles, resolveGraph } from "../load.js";
import { pointerToken, valueAt } from "../pointer.js";
import { diffSchema } from "../schema-diff.js";
import { openSource, type SourceReader } from "../source.js";
import { type ReadDocumentOptions, readUpstreamDocument, type UpstreamDocument } from "./document.js";
import { UpstreamError } from "./errors.js";
import { FindingList, type KnownDifference, type UpstreamFinding } from "./findings.js";
import { applyKnown } from "./known.js";
import { locate, type Place, type RawFiles } from "./locate.js";
import {
  type KnownEntry,
  type MappedEntry,
  matchesName,
  readUpstreamMapping,
  type UpstreamMapping,
} from "./mapping.js";
import { isConvention, normaliseOfficial } from "./normalise.js";

export interface UpstreamReport {
  provider: string;
  /** The provider's document, as given (a path or a URL). */
  document: string;
  /** The mapping file, as given. */
  mapping: string;
  /** Official side first, then contract side; each in document order. */
  findings: UpstreamFinding[];
  known: KnownDifference[];
  /** How many official schemas were compared with a contract file. */
  mapped: number;
  /** How many official schemas the mapping file ignores. */
  ignored: number;
  /** With `subset`: mapped official schemas the document does not contain, so not compared. */
  absent: string[];
}

export interface CompareUpstreamInput {
  document: UpstreamDocument;
  mapping: UpstreamMapping;
  /** The folder the mapping file's contract paths are relative to (the specs folder). */
  specsDir: string;
  /**
   * The document holds only some of the provider's schemas (such as specs/meetingbaas/reference): a mapped schema
   * it lacks is not compared instead of being reported as removed, and `known` entries about it are not checked.
   */
  subset?: boolean;
}

const toPosix = (path: string) => path.split(sep).join("/");

interface ContractSchema {
  raw: RawFiles;
  root: Place;
  resolved: unknown;
}

async function loadContractSchema(
  specsDir: string,
  entry: MappedEntry,
  file: string,
): Promise<ContractSchema> {
  const path = join(specsDir, entry.contract);
  if (!existsSync(path)) {
    throw new UpstreamError(
      "contract_not_found",
      `${file} at ${entry.at}/contract maps ${entry.official.join(", ")} to ${entry.contract}, which does not exist ` +
        "in the specs folder: fix the path, or map the schemas to the file that models them.",
      file,
      `${entry.at}/contract`,
    );
  }
  const reader = await openSource({ kind: "file", path });
  const files = await readReferencedFiles(reader);
  return {
    raw: { files, resolve: reader.resolve },
    root: { file: reader.root, pointer: "", node: files.get(reader.root) },
    resolved: resolveGraph(reader, files),
  };
}

/** The provider's document as a graph with its local `$ref`s resolved; it references no other file. */
function officialGraph(document: UpstreamDocument): { raw: RawFiles; resolved: unknown } {
  const name = document.source;
  const files = new Map<string, unknown>([[name, document.document]]);
  const reader: SourceReader = {
    root: name,
    display: (path) => path,
    resolve: (from) => from,
    read: () => Promise.reject(new Error(`${name} references another file, which this check does not read.`)),
  };
  return { raw: { files, resolve: reader.resolve }, resolved: resolveGraph(reader, files) };
}

/** Which entry of the mapping file each official schema falls under; a schema under two is a mapping error. */
function assignEntries(names: string[], mapping: UpstreamMapping, findings: FindingList) {
  const mappedBy = new Map<string, MappedEntry>();
  let ignored = 0;
  for (const name of names) {
    const maps = mapping.mapped.filter((entry) => entry.official.includes(name));
    const ignores = mapping.ignored.filter((entry) =>
      entry.official.some((pattern) => matchesName(pattern, name)),
    );
    const entries = [...maps.map((entry) => entry.at), ...ignores.map((entry) => entry.at)];
    if (entries.length > 1) {
      throw new UpstreamError(
        "mapping_ambiguous",
        `${mapping.file}: the official schema ${name} is matched by ${entries.join(" and ")}; every official schema ` +
          "must be matched by exactly one mapped or ignored entry.",
        mapping.file,
        entries[1],
      );
    }
    const [entry] = maps;
    if (entry) mappedBy.set(name, entry);
    else if (ignores.length > 0) ignored++;
    else {
      findings.add(
        `#/components/schemas/${pointerToken(name)}`,
        null,
        "",
        "schema-unmapped",
        `\`${name}\` is in the provider's document but neither mapped nor ignored in ${mapping.file}`,
      );
    }
  }
  return { mappedBy, ignored };
}

/** Compares a parsed document with the contract through a parsed mapping. */
export async function compareUpstream(input: CompareUpstreamInput): Promise<UpstreamReport> {
  const { document, mapping, specsDir, subset = false } = input;
  const findings = new FindingList();
  const names = Object.keys(document.schemas);
  const present = new Set(names);
  const { mappedBy, ignored } = assignEntries(names, mapping, findings);
  const official = officialGraph(document);
  const seen = new WeakMap<object, Record<string, unknown>>();
  const absent: string[] = [];
  const comparedNames = new Set<string>();
  const comparedFiles = new Set<string>();

  for (const entry of mapping.mapped) {
    const contract = await loadContractSchema(specsDir, entry, mapping.file);
    const display = (place: Place) => `${toPosix(relative(specsDir, place.file))}#${place.pointer}`;
    for (const name of entry.official) {
      const officialRoot = `/components/schemas/${pointerToken(name)}`;
      if (!present.has(name)) {
        if (subset) absent.push(name);
        else {
          findings.add(
            `#${officialRoot}`,
            display(contract.root),
            "",
            "schema-removed",
            `\`${name}\`, which ${entry.contract} models, is no longer in the provider's document`,
          );
        }
        continue;
      }
      if (mappedBy.get(name) !== entry) continue;
      comparedNames.add(name);
      comparedFiles.add(entry.contract);
      const theirs = normaliseOfficial(valueAt(official.resolved, officialRoot), seen);
      const root: Place = {
        file: document.source,
        pointer: officialRoot,
        node: valueAt(document.document, officialRoot),
      };
      for (const change of diffSchema(contract.resolved, theirs)) {
        if (isConvention(change, contract.resolved, theirs)) continue;
        const o = locate(official.raw, root, change.path).place;
        const c = locate(contract.raw, contract.root, change.path).place;
        findings.add(`#${o.pointer}`, display(c), change.path, change.kind, change.what);
      }
    }
  }

  // In a subset, an entry is checked only when the schema it names was compared.
  const checked = (entry: KnownEntry) => {
    if (!subset) return true;
    const officialName = entry.official?.match(/^#\/components\/schemas\/([^/]+)/)?.[1];
    if (officialName !== undefined)
      return comparedNames.has(officialName.replace(/~1/g, "/").replace(/~0/g, "~"));
    return comparedFiles.has(entry.contract?.split("#")[0] ?? "");
  };
  const { findings: all, known } = applyKnown(findings.list, mapping, checked);
  return {
    provider: mapping.provider,
    document: document.source,
    mapping: mapping.file,
    findings: [...all.filter((f) => f.side === "official"), ...all.filter((f) => f.side === "contract")],
    known,
    mapped: comparedNames.size,
    ignored,
    absent,
  };
}

export interface CheckUpstreamOptions extends ReadDocumentOptions {
  provider: string;
  /** The provider's document: a path, or an `https://` URL. */
  document: string;
  /** The specs folder; its `<provider>/upstream.yaml` is the mapping file. */
  specsDir: string;
  subset?: boolean;
}

/** Reads the mapping file of a provider, then its document, and compares them. */
export async function checkUpstream(options: CheckUpstreamOptions): Promise<UpstreamReport> {
  const mappingPath = join(options.specsDir, options.provider, "upstream.yaml");
  const mapping = readUpstreamMapping(mappingPath, toPosix(join(options.provider, "upstream.yaml")));
  const document = await readUpstreamDocument(options.document, options);
  return compareUpstream({
    document,
    mapping,
    specsDir: options.specsDir,
    ...(options.subset ? { subset: true } : {}),
  });
}
