import { describe, expect, it } from "vitest";
import { backoffDelay } from "../src/backoff.js";

const backoff = { initialMs: 1000, maxMs: 3_600_000 };

describe("backoffDelay", () => {
  it("doubles from initialMs with each attempt and stops at maxMs", () => {
    const top = (attempt: number) => backoffDelay(attempt, { ...backoff, jitter: "full" }, () => 0.99999999);
    expect([1, 2, 3, 4].map((a) => Math.round(top(a)))).toEqual([1000, 2000, 4000, 8000]);
    expect(Math.round(top(30))).toBe(3_600_000);
  });

  it("with full jitter waits anywhere from nothing to the exponential wait", () => {
    expect(backoffDelay(3, { ...backoff, jitter: "full" }, () => 0)).toBe(0);
    expect(backoffDelay(3, { ...backoff, jitter: "full" }, () => 0.5)).toBe(2000);
  });

  it("with equal jitter never waits less than half the exponential wait", () => {
    expect(backoffDelay(3, { ...backoff, jitter: "equal" }, () => 0)).toBe(2000);
    expect(backoffDelay(3, { ...backoff, jitter: "equal" }, () => 0.5)).toBe(3000);
  });

  it("spreads deliveries that failed together", () => {
    const delays = new Set(Array.from({ length: 50 }, () => backoffDelay(5, { ...backoff, jitter: "full" })));
    expect(delays.size).toBeGreaterThan(40);
  });
});
