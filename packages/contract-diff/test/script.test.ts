// `npm run contract:diff` (scripts/contract-diff.mjs) reads every provider's contract, and only those: the
// receiver's own paths-only contract in specs/receiver once made the whole report fail to load.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..", "..", "..");

describe("npm run contract:diff", () => {
  it("reports every provider against HEAD and never fails to load a contract", () => {
    const run = spawnSync(process.execPath, [join(root, "scripts", "contract-diff.mjs")], {
      cwd: root,
      encoding: "utf8",
      env: { ...process.env, CONTRACT_DIFF_BASE: "HEAD" },
    });
    expect(run.stderr).toBe("");
    expect([0, 1]).toContain(run.status);
    expect(run.stdout).toMatch(/^## Contract change report \(against HEAD\)/);
    expect(run.stdout).toMatch(/Cronofy Meeting Agents callbacks/);
    expect(run.stdout).toMatch(/Meeting BaaS v2 callbacks and webhooks/);
  });
});
