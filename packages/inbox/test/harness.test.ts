// The crash tests' checks can fail: each guarantee's violation is caught on a made-up log and runs.
import { describe, expect, it } from "vitest";
import { violations } from "./processes/harness.js";

const row = (id: string, subject: string, finishedAt: number | null, state = "handled") => ({
  id,
  deliveryKey: `k${id}`,
  subject,
  state,
  finishedAt,
});

describe("the crash tests' checks", () => {
  it("pass a log and runs that keep every guarantee", () => {
    const log = [row("1", "s", 10), row("2", "s", 20)];
    const runs = [
      { id: "1", attempt: 1, pid: 9, start: 1 },
      { id: "1", attempt: 2, pid: 8, start: 5, end: 9 },
      { id: "2", attempt: 1, pid: 8, start: 11, end: 19 },
    ];
    expect(violations({ acknowledged: new Set(["k1", "k2"]), log, runs, killed: new Set([9]) })).toEqual({});
  });

  it("catch a lost or unhandled delivery, a run after success, a run twice in a live process, and a subject out of order", () => {
    const log = [row("1", "s", 10), row("2", "s", 20), row("3", "t", null, "dead")];
    const runs = [
      { id: "1", attempt: 1, pid: 8, start: 1, end: 2 },
      { id: "1", attempt: 2, pid: 8, start: 12 },
      { id: "2", attempt: 1, pid: 8, start: 5, end: 19 },
    ];
    const found = violations({ acknowledged: new Set(["k1", "k3", "k4"]), log, runs, killed: new Set() });
    expect(Object.keys(found).sort()).toEqual(["afterSuccess", "lost", "order", "twice", "unhandled"]);
  });
});
