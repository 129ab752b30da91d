import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkProviderFiles, formatFinding } from "../src/check.js";
import { gitRepository, guide, row } from "./support.js";

const providers = ["acme", "zeta"];
const check = (root: string) => checkProviderFiles(root, { providers });

describe("the provider-files check", () => {
  it("passes when every file naming a provider has a row and every row a file", () => {
    const root = gitRepository({
      "docs/adding-a-provider.md": guide(
        row("specs/acme/**", "new"),
        row("src/registry.ts", "registry"),
        row("docs/*.md"),
      ),
      "specs/acme/openapi.yaml": "openapi: 3.1.0\n",
      "src/registry.ts": 'export const providers = ["Acme", "zeta"];\n',
      "src/neutral.ts": "export const neutral = 1;\n",
    });
    const result = check(root);
    expect(result.findings).toEqual([]);
    expect(result.classified.map((file) => [file.path, file.row.kind])).toEqual([
      ["docs/adding-a-provider.md", "mention"],
      ["specs/acme/openapi.yaml", "new"],
      ["src/registry.ts", "registry"],
    ]);
  });

  it("fails naming a file that names a provider and no row matches, with the row to add", () => {
    const root = gitRepository({
      "docs/adding-a-provider.md": guide(row("docs/*.md")),
      "src/metrics.ts": "// counts\nconst label = 'ZETA';\n",
    });
    const { findings } = check(root);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ code: "unclassified-file", at: "src/metrics.ts" });
    expect(findings[0]?.message).toContain("names zeta (first on line 2)");
    expect(findings[0]?.message).toContain(
      "| `src/metrics.ts` | exception | <why this file must know the provider> |",
    );
    expect(formatFinding(findings[0] as never)).toMatch(/^src\/metrics\.ts: .* \[unclassified-file\]$/);
  });

  it("finds a provider named only in a file's path", () => {
    const root = gitRepository({
      "docs/adding-a-provider.md": guide(row("docs/*.md")),
      "test/acme.test.ts": "export {};\n",
    });
    const { findings } = check(root);
    expect(findings.map((finding) => finding.at)).toEqual(["test/acme.test.ts"]);
    expect(findings[0]?.message).toContain("its path names acme");
    expect(findings[0]?.message).toContain("| `test/acme.test.ts` | mention |");
  });

  it("fails naming a row that matches no file that names a provider", () => {
    const root = gitRepository({
      "docs/adding-a-provider.md": guide(row("docs/*.md"), row("src/gone.ts", "registry")),
      "src/neutral.ts": "export const neutral = 1;\n",
    });
    const { findings } = check(root);
    expect(findings).toEqual([
      {
        code: "stale-row",
        at: "docs/adding-a-provider.md:10",
        message: expect.stringContaining("the row `src/gone.ts` matches no file that names a provider"),
      },
    ]);
  });

  it("looks at new files git does not ignore, and not at ignored ones", () => {
    const root = gitRepository({
      "docs/adding-a-provider.md": guide(row("docs/*.md")),
      ".gitignore": "data/\n",
    });
    writeFileSync(join(root, "new.ts"), "acme\n");
    mkdirSync(join(root, "data"));
    writeFileSync(join(root, "data", "acme.db"), "acme\n");
    const { findings } = check(root);
    expect(findings.map((finding) => finding.at)).toEqual(["new.ts"]);
  });

  it("refuses a row whose kind is not one of the four", () => {
    const root = gitRepository({
      "docs/adding-a-provider.md": guide(row("docs/*.md", "misc")),
    });
    const { findings } = check(root);
    expect(findings).toEqual([
      {
        code: "bad-row",
        at: "docs/adding-a-provider.md:9",
        message: expect.stringContaining("the kind must be one of new, registry, exception, mention"),
      },
    ]);
  });

  it("fails when the guide has no table", () => {
    const root = gitRepository({ "docs/adding-a-provider.md": "# Adding a provider\n" });
    expect(check(root).findings).toMatchObject([{ code: "no-table" }]);
  });
});
