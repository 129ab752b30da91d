import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { makeTempDir, tempDirForTest, withTempDir } from "../src/index.js";

describe("withTempDir", () => {
  it("removes the folder and its contents after use", async () => {
    const used = await withTempDir("test-support-", (dir) => {
      writeFileSync(join(dir, "file.txt"), "x");
      return dir;
    });
    expect(existsSync(used)).toBe(false);
  });

  it("removes the folder when use throws, and passes the error on", async () => {
    let used = "";
    await expect(
      withTempDir("test-support-", async (dir) => {
        used = dir;
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(used).not.toBe("");
    expect(existsSync(used)).toBe(false);
  });
});

describe("makeTempDir", () => {
  it("makes a folder that remove() deletes with its contents", () => {
    const dir = makeTempDir("test-support-");
    try {
      writeFileSync(join(dir.path, "file.txt"), "x");
    } finally {
      dir.remove();
    }
    expect(existsSync(dir.path)).toBe(false);
  });
});

describe("tempDirForTest", () => {
  let fromPreviousTest = "";

  it("gives a folder that exists during the test", () => {
    fromPreviousTest = tempDirForTest("test-support-");
    expect(existsSync(fromPreviousTest)).toBe(true);
  });

  it("has removed the previous test's folder once that test finished", () => {
    expect(fromPreviousTest).not.toBe("");
    expect(existsSync(fromPreviousTest)).toBe(false);
  });
});
