// upstream.yml runs the weekly comparison of the contract with the provider's document.
import { describe, expect, it } from "vitest";
import { fileOf, findingsAfter, stepPath } from "./support.js";

describe("upstream.yml", () => {
  it("is reported when no step runs meeting-webhooks upstream", () => {
    const findings = findingsAfter("upstream.yml", (document) => {
      const path = stepPath(document, (step) => /meeting-webhooks upstream/.test(step.run ?? ""));
      document.setIn([...path, "run"], "npx meeting-webhooks validate --provider meetingbaas x.json");
    });
    expect(findings).toEqual([
      {
        file: fileOf("upstream.yml"),
        pointer: "/jobs",
        code: "requirement",
        message: expect.stringContaining("no step runs `meeting-webhooks upstream`"),
      },
    ]);
  });
});
