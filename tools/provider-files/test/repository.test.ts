import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { type CheckResult, checkProviderFiles, formatFinding } from "../src/check.js";

const root = join(import.meta.dirname, "..", "..", "..");

describe("this repository", () => {
  let result: CheckResult;
  beforeAll(() => {
    result = checkProviderFiles(root);
  });

  it("classifies every file that names a provider in docs/adding-a-provider.md, and every row matches one", () => {
    expect(result.findings.map(formatFinding)).toEqual([]);
    expect(result.classified.length).toBeGreaterThan(0);
  });

  it("puts the provider modules and contracts in the rows of kind new, the lists in registry rows", () => {
    const kindOf = (path: string) => result.classified.find((file) => file.path === path)?.row.kind;
    expect(kindOf("apps/receiver/src/providers/meetingbaas.ts")).toBe("new");
    expect(kindOf("specs/cronofy/openapi.yaml")).toBe("new");
    expect(kindOf("apps/receiver/src/providers/index.ts")).toBe("registry");
    expect(kindOf("specs/src/providers.ts")).toBe("registry");
  });
});
