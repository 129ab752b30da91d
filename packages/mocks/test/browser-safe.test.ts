// The main entry and the MSW handlers run in browsers (msw/browser): nothing they import statically may need Node.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const src = resolve(import.meta.dirname, "..", "src");

/** Every module reachable from `entry` through static imports, with the bare specifiers they import. */
function staticGraph(entry: string, seen = new Map<string, string[]>()): Map<string, string[]> {
  if (seen.has(entry)) return seen;
  const text = readFileSync(entry, "utf8");
  const specifiers = [...text.matchAll(/^\s*(?:import|export)\s(?!type\b)[^;]*?from\s+"([^"]+)"/gms)].map(
    (m) => m[1] as string,
  );
  seen.set(
    entry,
    specifiers.filter((s) => !s.startsWith(".")),
  );
  for (const specifier of specifiers.filter((s) => s.startsWith("."))) {
    staticGraph(join(dirname(entry), specifier.replace(/\.js$/, ".ts")), seen);
  }
  return seen;
}

describe.each(["index.ts", "msw/index.ts"])("src/%s", (entry) => {
  it("imports no Node built-in and nothing that does, statically", () => {
    const bare = [...staticGraph(join(src, entry)).values()].flat();
    expect(bare.filter((s) => s.startsWith("node:"))).toEqual([]);
    expect(new Set(bare)).toEqual(
      new Set(
        entry === "index.ts"
          ? ["standardwebhooks"]
          : ["standardwebhooks", "msw", "@meeting-webhooks/receive/problem"],
      ),
    );
  });
});

describe("@meeting-webhooks/receive/problem, which the MSW handlers import", () => {
  it("imports nothing at all", () => {
    const manifest = createRequire(import.meta.url).resolve("@meeting-webhooks/receive/package.json");
    const { exports } = JSON.parse(readFileSync(manifest, "utf8"));
    const problem = join(dirname(manifest), exports["./problem"].import);
    expect(readFileSync(problem, "utf8")).not.toMatch(/^\s*import\s/m);
  });
});
