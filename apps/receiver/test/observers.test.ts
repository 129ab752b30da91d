// The observer fan-out: the inbox takes one observer, the receiver feeds several from it.
import type { HandledFacts, InboxObserver } from "@meeting-webhooks/inbox";
import { describe, expect, it, vi } from "vitest";
import { fanOut } from "../src/observers.js";

const handled: HandledFacts = {
  provider: "cronofy",
  channel: "callback",
  event: "meeting_agent_complete",
  attempt: 1,
  lagMs: 12,
};

describe("fanOut", () => {
  it("gives every observer each fact, in order, and leaves out callbacks no observer has", () => {
    const heard: string[] = [];
    const fanned = fanOut({ handled: (facts) => heard.push(`first ${facts.lagMs}`) }, undefined, {
      handled: (facts) => heard.push(`second ${facts.lagMs}`),
      dead: () => heard.push("dead"),
    });
    fanned.handled?.(handled);
    expect(heard).toEqual(["first 12", "second 12"]);
    expect(Object.keys(fanned).sort()).toEqual(["dead", "handled"]);
  });

  it("still calls the others when one throws, then throws the first error for the inbox to log", () => {
    const later = vi.fn();
    const observers: InboxObserver[] = [
      {
        handled: () => {
          throw new Error("first broke");
        },
      },
      {
        handled: () => {
          throw new Error("second broke");
        },
      },
      { handled: later },
    ];
    expect(() => fanOut(...observers).handled?.(handled)).toThrow("first broke");
    expect(later).toHaveBeenCalledWith(handled);
  });

  it("calls each callback with its observer as `this`, as the inbox does", () => {
    const observer = {
      seen: 0,
      handled(this: { seen: number }) {
        this.seen++;
      },
    };
    fanOut(observer).handled?.(handled);
    expect(observer.seen).toBe(1);
  });
});
