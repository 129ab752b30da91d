import { readdirSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import {
  chromiumOrSkip,
  findChromium,
  launchChromium,
  makeTempDir,
  RequirementMissingError,
  tempDirForTest,
} from "../src/index.js";

const installed =
  (...paths: string[]) =>
  (path: string) =>
    paths.includes(path);
const candidates = ["/usr/bin/chromium", "/usr/bin/chromium-browser"];

describe("findChromium", () => {
  it("uses CHROMIUM_PATH when it points to an executable", () => {
    const isExecutable = installed("/opt/chrome", "/usr/bin/chromium");
    expect(findChromium({ env: { CHROMIUM_PATH: "/opt/chrome" }, candidates, isExecutable })).toBe(
      "/opt/chrome",
    );
  });

  it("finds none when CHROMIUM_PATH points nowhere, even with Chromium at a usual path", () => {
    const isExecutable = installed("/usr/bin/chromium");
    expect(
      findChromium({ env: { CHROMIUM_PATH: "/nonexistent" }, candidates, isExecutable }),
    ).toBeUndefined();
  });

  it("takes the first usual path that holds an executable when CHROMIUM_PATH is not set", () => {
    const isExecutable = installed("/usr/bin/chromium-browser");
    expect(findChromium({ env: {}, candidates, isExecutable })).toBe("/usr/bin/chromium-browser");
  });

  it("finds none when no usual path holds an executable", () => {
    expect(findChromium({ env: {}, candidates, isExecutable: installed() })).toBeUndefined();
  });

  it("does not take a folder or a missing file for a browser", () => {
    const dir = makeTempDir("test-support-chromium-");
    try {
      expect(findChromium({ env: {}, candidates: [dir.path, `${dir.path}/missing`] })).toBeUndefined();
    } finally {
      dir.remove();
    }
  });
});

describe("chromiumOrSkip", () => {
  it("fails with RequirementMissingError under CI=true when there is no Chromium", () => {
    expect(() =>
      chromiumOrSkip("the test of the rule", {
        env: { CI: "true", CHROMIUM_PATH: "/nonexistent" },
        candidates,
        isExecutable: installed(),
      }),
    ).toThrow(RequirementMissingError);
  });
});

// Drives the real browser when there is one; skips (or fails under CI) like every browser test.
const executablePath = chromiumOrSkip("test-support's Chromium launch test");

describe.runIf(executablePath)("launchChromium", () => {
  const savedTmpdir = process.env.TMPDIR;
  afterEach(() => {
    if (savedTmpdir === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = savedTmpdir;
  });

  it("leaves nothing in the temp directory once closed", async () => {
    const tmp = tempDirForTest("test-support-launch-");
    process.env.TMPDIR = tmp;
    const browser = await launchChromium(executablePath as string);
    try {
      const page = await browser.context.newPage();
      await page.setContent("<p>hello</p>");
      await expect(page.locator("p").innerText()).resolves.toBe("hello");
      expect(readdirSync(tmp)).not.toEqual([]);
    } finally {
      await browser.close();
    }
    expect(readdirSync(tmp)).toEqual([]);
  });

  it("removes its profile folder when the launch fails", async () => {
    const tmp = tempDirForTest("test-support-launch-");
    process.env.TMPDIR = tmp;
    await expect(launchChromium("/bin/false")).rejects.toThrow();
    expect(readdirSync(tmp)).toEqual([]);
  });
});
