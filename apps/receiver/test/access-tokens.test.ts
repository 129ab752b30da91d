// The read tokens' check: every configured token is compared in constant time, whichever matches.
import { timingSafeEqual } from "node:crypto";
import { describe, expect, it, vi } from "vitest";
import { bearerOf, ReadTokens } from "../src/access/tokens.js";

const first = `first-read-token-${"a".repeat(32)}`;
const second = `second-read-token-${"b".repeat(32)}`;

describe("ReadTokens", () => {
  it("names the matching token, the old one too while rotating", () => {
    const tokens = new ReadTokens([second, first]);
    expect(tokens.match(second)).toBe(0);
    expect(tokens.match(first)).toBe(1);
  });

  it("compares every token with timingSafeEqual, even when the first one matches", () => {
    const equal = vi.fn(timingSafeEqual);
    const tokens = new ReadTokens([first, second], equal);
    expect(tokens.match(first)).toBe(0);
    expect(equal).toHaveBeenCalledTimes(2);
    // Digests of equal length whatever was presented, so timingSafeEqual never throws and never short-cuts on length.
    for (const [a, b] of equal.mock.calls) expect([a.byteLength, b.byteLength]).toEqual([32, 32]);
  });

  it("refuses tokens of any length, a prefix and an extension without throwing", () => {
    const tokens = new ReadTokens([first]);
    for (const presented of ["", "x", first.slice(0, -1), `${first}x`, first.toUpperCase()])
      expect(tokens.match(presented)).toBe(-1);
  });

  it("knows the sessions of its tokens only", () => {
    const before = new ReadTokens([first, second]);
    const after = new ReadTokens([first]);
    expect(after.knows(before.fingerprints[0] as string)).toBe(true);
    expect(after.knows(before.fingerprints[1] as string)).toBe(false);
    expect(before.fingerprints[0]).not.toContain(first.slice(0, 8));
  });

  it("derives one session key per token, the first one's signing", () => {
    const keys = new ReadTokens([first, second]).sessionKeys();
    expect(keys).toHaveLength(2);
    expect(new ReadTokens([first]).sessionKeys()[0]).toBe(keys[0]);
  });
});

describe("bearerOf", () => {
  it.each([
    ["Bearer abc", "abc"],
    ["bearer  abc ", "abc"],
    ["Basic abc", undefined],
    ["Bearer", undefined],
    ["Bearer a b", undefined],
    [undefined, undefined],
  ])("%j gives %j", (header, token) => {
    expect(bearerOf(header)).toBe(token);
  });
});
