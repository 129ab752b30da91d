import { describe, expect, it } from "vitest";
import { decideRequirement, isCi, RequirementMissingError, requireOrSkip } from "../src/index.js";

const postgres = (found: string | undefined) => ({
  tests: "the receiver's PostgreSQL store",
  needs: "PostgreSQL at 127.0.0.1:5432",
  found,
  howToEnable: "Start one with `docker run -p 5432:5432 postgres`.",
});

describe("the skip-or-fail rule", () => {
  it("runs the tests with what was found, in CI or not", () => {
    expect(decideRequirement(postgres("postgres://127.0.0.1:5432"), {})).toEqual({
      action: "run",
      found: "postgres://127.0.0.1:5432",
    });
    expect(decideRequirement(postgres("postgres://127.0.0.1:5432"), { CI: "true" }).action).toBe("run");
  });

  it("skips with one line naming the tests, what is missing and how to enable it when CI is not set", () => {
    const decision = decideRequirement(postgres(undefined), {});
    expect(decision.action).toBe("skip");
    const message = decision.action === "skip" ? decision.message : "";
    expect(message).not.toContain("\n");
    expect(message).toContain("the receiver's PostgreSQL store");
    expect(message).toContain("PostgreSQL at 127.0.0.1:5432");
    expect(message).toContain("docker run");
  });

  it("fails with the code requirement_missing when CI is set", () => {
    expect(decideRequirement(postgres(undefined), { CI: "true" })).toMatchObject({
      action: "fail",
      code: "requirement_missing",
    });
  });

  it("treats CI as set unless it is empty, 0 or false", () => {
    expect([undefined, "", "0", "false", "FALSE"].map((CI) => isCi({ CI }))).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
    expect(["true", "1", "yes"].map((CI) => isCi({ CI }))).toEqual([true, true, true]);
  });
});

describe("requireOrSkip", () => {
  it("prints exactly one line and returns undefined when the requirement is missing outside CI", () => {
    const printed: string[] = [];
    expect(requireOrSkip(postgres(undefined), {}, (line) => printed.push(line))).toBeUndefined();
    expect(printed).toHaveLength(1);
  });

  it("throws a RequirementMissingError when the requirement is missing in CI", () => {
    expect(() => requireOrSkip(postgres(undefined), { CI: "true" }, () => {})).toThrow(
      RequirementMissingError,
    );
  });

  it("returns what was found and prints nothing when the requirement is there", () => {
    const printed: string[] = [];
    expect(requireOrSkip(postgres("url"), {}, (line) => printed.push(line))).toBe("url");
    expect(printed).toEqual([]);
  });
});
