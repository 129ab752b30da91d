// The Meeting BaaS contract agrees with the provider's own schemas: the upstream check over the copy kept in
// specs/meetingbaas/reference (the payload subset of openapi-v2.json) finds nothing but the known differences of
// specs/meetingbaas/upstream.yaml. One comparison, the same one `meeting-webhooks upstream` runs on the whole document.
// (This test belongs to the specs, but lives here: specs cannot depend on this package, which depends on specs for
// its tests, without a cycle in the build graph.)
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { listJsonFiles, readJson, specsDir } from "@meeting-webhooks/specs";
import { describe, expect, it } from "vitest";
import { compareUpstream, readUpstreamMapping, upstreamDocumentOf } from "../src/index.js";

type Json = Record<string, any>;

const mappingFile = join(specsDir, "meetingbaas", "upstream.yaml");
const mapping = readUpstreamMapping(mappingFile, "meetingbaas/upstream.yaml");
const copy = readJson(join(specsDir, "meetingbaas/reference/official-webhook-schemas.json")) as Json;

async function checkReference() {
  return compareUpstream({
    document: upstreamDocumentOf(
      { openapi: "3.1.0", components: { schemas: copy.schemas } },
      "meetingbaas/reference/official-webhook-schemas.json",
    ),
    mapping,
    specsDir,
    subset: true,
  });
}

/** The bold titles of the entries of the specs README's "Where the sources disagree", without the final period. */
function disagreementEntries(): string[] {
  const readme = readFileSync(join(specsDir, "README.md"), "utf8");
  const section = readme.split(/^## /m).find((part) => part.startsWith("Where the sources disagree")) ?? "";
  return [...section.matchAll(/^- \*\*(.+?)\.?\*\*/gm)].map(([, title]) => title as string);
}

describe("the Meeting BaaS schemas against the official ones", () => {
  it("differ only where the mapping file records a known difference", async () => {
    const report = await checkReference();
    expect(report.findings).toEqual([]);
    expect(report.mapped).toBeGreaterThan(0);
  });

  it("record every known difference in an entry of the README's 'Where the sources disagree'", () => {
    const entries = disagreementEntries();
    expect(entries.length).toBeGreaterThan(0);
    const missing = mapping.known.filter((entry) => !entries.includes(entry.readme));
    expect(missing.map((entry) => `${entry.at}: ${entry.readme}`)).toEqual([]);
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
    for (const path of listJsonFiles("meetingbaas", "schemas")) walk(readJson(join(specsDir, path)), path);
    expect(offenders).toEqual([]);
  });
});
