import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { requireOrSkip } from "@meeting-webhooks/test-support";
import { describe, expect, it } from "vitest";
import { runCli } from "./support.js";

const repositoryRoot = resolve(import.meta.dirname, "..", "..", "..");

/** The pinned newest copy of Meeting BaaS's document, beside the repository (or where the variable says). */
const pinned =
  process.env.MEETINGBAAS_OPENAPI_V2 ??
  resolve(repositoryRoot, "../shared/reference/meetingbaas-docs/openapi-v2.json");
const pinnedDocument = requireOrSkip({
  tests: "the upstream check of the contract against the pinned openapi-v2.json",
  needs: "pinned Meeting BaaS openapi-v2.json",
  found: existsSync(pinned) ? pinned : undefined,
  howToEnable:
    "Set MEETINGBAAS_OPENAPI_V2 to a copy of Meeting BaaS's openapi-v2.json, or put the pinned copy at " +
    "../shared/reference/meetingbaas-docs/openapi-v2.json beside the repository.",
});

describe.runIf(pinnedDocument)("the contract against the pinned openapi-v2.json", () => {
  it("covers it: every difference is a convention or a known entry of meetingbaas/upstream.yaml", async () => {
    const outcome = await runCli(["upstream", "--provider", "meetingbaas", pinnedDocument as string]);
    expect(outcome.stderr).toBe("");
    expect(outcome.stdout.split("\n")[0]).toMatch(
      /: 0 findings, \d+ known, \d+ official schemas mapped, \d+ ignored/,
    );
    expect(outcome.code, outcome.stdout).toBe(0);
  });
});
