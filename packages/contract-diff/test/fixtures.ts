// Real-shaped before/after pairs: a copy of the real contracts in a temporary folder, changed in one place.
import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { specsDir } from "@meeting-webhooks/specs";
import { tempDirForTest } from "@meeting-webhooks/test-support";
import { parse, stringify } from "yaml";
import {
  type ContractChange,
  type ContractDiff,
  diffContracts,
  type LoadedContract,
  loadContract,
} from "../src/index.js";

export type Provider = "cronofy" | "meetingbaas";
type Edit = (root: string) => void;

/**
 * A copy of a provider's openapi.yaml and schemas, and the shared schemas they reference, in a fresh folder that is
 * removed when the calling test finishes.
 */
export function copyOfSpecs(provider: Provider, into = tempDirForTest("contract-diff-")): string {
  mkdirSync(join(into, provider), { recursive: true });
  cpSync(join(specsDir, provider, "openapi.yaml"), join(into, provider, "openapi.yaml"));
  cpSync(join(specsDir, provider, "schemas"), join(into, provider, "schemas"), { recursive: true });
  cpSync(join(specsDir, "common"), join(into, "common"), { recursive: true });
  return into;
}

export function editJson(root: string, path: string, edit: (schema: any) => void): void {
  const file = join(root, path);
  const schema = JSON.parse(readFileSync(file, "utf8"));
  edit(schema);
  writeFileSync(file, `${JSON.stringify(schema, null, 2)}\n`);
}

export function editYaml(root: string, path: string, edit: (document: any) => void): void {
  const file = join(root, path);
  const document = parse(readFileSync(file, "utf8"));
  edit(document);
  writeFileSync(file, stringify(document));
}

export const realSpec = (provider: Provider) => join(specsDir, provider, "openapi.yaml");

const realContracts = new Map<Provider, Promise<LoadedContract>>();
/** The real contract, loaded once per test file: comparisons only read it. */
function realContract(provider: Provider): Promise<LoadedContract> {
  let loaded = realContracts.get(provider);
  if (!loaded) {
    loaded = loadContract(realSpec(provider));
    realContracts.set(provider, loaded);
  }
  return loaded;
}

/** Diffs the real contract (or an edited copy of it) against an edited copy. */
export async function diffEdited(provider: Provider, editNew: Edit, editOld?: Edit): Promise<ContractDiff> {
  const newRoot = copyOfSpecs(provider);
  editNew(newRoot);
  const after = await loadContract(join(newRoot, provider, "openapi.yaml"));
  if (!editOld) return diffContracts(await realContract(provider), after);
  const oldRoot = copyOfSpecs(provider);
  editOld(oldRoot);
  return diffContracts(await loadContract(join(oldRoot, provider, "openapi.yaml")), after);
}

/** The changes, without their messages, for comparing with toContainEqual / toEqual. */
export function kinds(diff: ContractDiff): Omit<ContractChange, "message">[] {
  return diff.changes.map(({ message: _, ...rest }) => rest);
}

export const change = (
  event: string,
  path: string,
  kind: ContractChange["kind"],
  severity: ContractChange["severity"],
  location: ContractChange["in"] = "body",
): Omit<ContractChange, "message"> => ({ event, in: location, path, kind, severity });
