// Facts name the revision they were read at: every Meeting BaaS citation in the contracts is
// `meetingbaas docs@<commit>: <file>[#<JSON pointer>] (…)`, all at the revision pinned below. Where the pinned copy of
// the provider's docs repository is on the machine (`../shared/reference/meetingbaas-docs`, or
// MEETINGBAAS_DOCS_DIR), every cited file must exist in it and every pointer into `openapi-v2.json` must resolve,
// so a citation cannot point at a page or schema the provider does not have.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { requireOrSkip } from "@meeting-webhooks/test-support";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { specsDir } from "../src/index.js";

type Json = Record<string, any>;

/** The Meeting BaaS docs repository commit the contract was checked against (specs/README.md, "Sources"). */
const pinnedRevision = "fd14185";
const citation = /^meetingbaas docs@([0-9a-f]{7,40}): ([^\s#(]+)(#[^\s(]*)?/;

function documents(): string[] {
  return readdirSync(join(specsDir, "meetingbaas"), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.(json|ya?ml)$/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name))
    .filter((file) => !relative(specsDir, file).startsWith("meetingbaas/reference/"));
}

/** Every `x-source` string in a parsed document, with where it was found. */
function sourcesIn(node: unknown, where: string, out: { where: string; text: string }[]): void {
  if (Array.isArray(node)) {
    for (const [i, item] of node.entries()) sourcesIn(item, `${where}/${i}`, out);
  } else if (node && typeof node === "object") {
    for (const [key, value] of Object.entries(node as Json)) {
      if (key === "x-source" && Array.isArray(value)) {
        for (const text of value) out.push({ where: `${where}/x-source`, text: String(text) });
      } else sourcesIn(value, `${where}/${key}`, out);
    }
  }
}

const cited = documents().flatMap((file) => {
  const text = readFileSync(file, "utf8");
  const out: { where: string; text: string }[] = [];
  sourcesIn(file.endsWith(".json") ? JSON.parse(text) : parse(text), relative(specsDir, file), out);
  return out.filter((s) => s.text.startsWith("meetingbaas docs"));
});

/** The pinned copy: MEETINGBAAS_DOCS_DIR, else `shared/reference/meetingbaas-docs` beside a folder above the repo. */
function findPinnedCopy(): string | undefined {
  const fromEnv = process.env.MEETINGBAAS_DOCS_DIR;
  if (fromEnv) return existsSync(join(fromEnv, "openapi-v2.json")) ? fromEnv : undefined;
  for (let dir = dirname(specsDir); dir !== dirname(dir); dir = dirname(dir)) {
    const candidate = join(dir, "shared", "reference", "meetingbaas-docs");
    if (existsSync(join(candidate, "openapi-v2.json"))) return candidate;
  }
  return undefined;
}

function resolvePointer(document: unknown, pointer: string): boolean {
  let nodes: unknown[] = [document];
  for (const raw of pointer.split("/").slice(1)) {
    const token = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    nodes = nodes.flatMap((node) => {
      if (!node || typeof node !== "object") return [];
      if (!token.endsWith("*")) return token in (node as Json) ? [(node as Json)[token]] : [];
      // `BotWebhook*`: every member whose name starts so (the citation names a family of schemas).
      const prefix = token.slice(0, -1);
      return Object.entries(node as Json)
        .filter(([key]) => key.startsWith(prefix))
        .map(([, value]) => value);
    });
  }
  return nodes.length > 0;
}

describe("Meeting BaaS citations", () => {
  it("exist, and each names the revision it was read at, the pinned one", () => {
    expect(cited.length).toBeGreaterThan(50);
    const wrong = cited
      .filter((s) => citation.exec(s.text)?.[1] !== pinnedRevision)
      .map((s) => `${s.where}: ${s.text}`);
    expect(wrong).toEqual([]);
  });

  const copy = requireOrSkip({
    tests: "the Meeting BaaS citations against the pinned docs copy",
    needs: "pinned copy of the Meeting BaaS docs repository (openapi-v2.json, content/docs/api-v2)",
    found: findPinnedCopy(),
    howToEnable:
      "Set MEETINGBAAS_DOCS_DIR to a checkout of the Meeting BaaS docs repository at the pinned revision.",
  });

  it.runIf(copy)("point at files and schemas the pinned copy has", () => {
    const root = copy as string;
    const source = readFileSync(join(root, "SOURCE.md"), "utf8");
    expect(source).toContain(pinnedRevision);
    const openapi = JSON.parse(readFileSync(join(root, "openapi-v2.json"), "utf8"));
    const broken = cited.filter((s) => {
      const [, , file, pointer] = citation.exec(s.text) ?? [];
      if (!file || !existsSync(join(root, file))) return true;
      return (
        pointer !== undefined && file === "openapi-v2.json" && !resolvePointer(openapi, pointer.slice(1))
      );
    });
    expect(broken.map((s) => `${s.where}: ${s.text}`)).toEqual([]);
  });
});
