import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkProviderFiles, formatFinding } from "../src/check.js";

const root = join(import.meta.dirname, "..", "..", "..");

describe("this repository", () => {
  it("classifies every file that names a provider in docs/adding-a-provider.md, and every row matches one", () => {
    const { findings, classified } = checkProviderFiles(root);
    expect(findings.map(formatFinding)).toEqual([]);
    expect(classified.length).toBeGreaterThan(0);
  });

  it("puts the provider modules and contracts in the rows of kind new", () => {
    const { classified } = checkProviderFiles(root);
    const kindOf = (path: string) => classified.find((file) => file.path === path)?.row.kind;
    expect(kindOf("apps/receiver/src/providers/meetingbaas.ts")).toBe("new");
    expect(kindOf("specs/cronofy/openapi.yaml")).toBe("new");
    expect(kindOf("apps/receiver/src/providers/index.ts")).toBe("registry");
    expect(kindOf("specs/src/providers.ts")).toBe("registry");
  });
});
