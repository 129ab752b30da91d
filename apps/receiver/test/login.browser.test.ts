// Signing in to the dashboard in headless Chromium (Debian's chromium, driven by playwright-core): the dashboard
// sends a browser without a session to the login form; the token signs it in; signing out sends it back.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromiumOrSkip, type LaunchedChromium, launchChromium } from "@meeting-webhooks/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sessionCookie } from "../src/access/sign-in.js";
import type { Receiver } from "../src/app.js";
import { startReceiver } from "./support.js";

// No Chromium: one printed skip line, or a failure under CI=true (see @meeting-webhooks/test-support).
const executablePath = chromiumOrSkip(
  "the dashboard's login in Chromium (apps/receiver/test/login.browser.test.ts)",
);
/** Ignored by git and replaced on each run, so that a reviewer can look at the page. */
const screenshotsDir = join(import.meta.dirname, "..", "test-results", "screenshots");
const token = `browser-read-token-${"b".repeat(32)}`;

let receiver: Receiver;
let browser: LaunchedChromium;
let url: string;

describe.runIf(executablePath)("dashboard login in Chromium", () => {
  beforeAll(async () => {
    receiver = await startReceiver({ env: { READ_API_TOKENS: token } }, { process: false });
    url = await receiver.app.listen({ port: 0, host: "127.0.0.1" });
    browser = await launchChromium(executablePath as string);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await receiver?.close();
  });

  it("dashboard → login form → token → dashboard → sign out → login form, with no other console error", async () => {
    const page = await browser.context.newPage();
    const errors: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(message.text());
    });

    await page.goto(`${url}/operations`);
    expect(new URL(page.url()).pathname).toBe("/login");
    expect(new URL(page.url()).searchParams.get("next")).toBe("/operations");
    mkdirSync(screenshotsDir, { recursive: true });
    await page.screenshot({ path: join(screenshotsDir, "login.png"), fullPage: true });

    // A wrong token first: the form comes back with the reason, and no session.
    await page.locator("#token").fill("not-the-token");
    await Promise.all([page.waitForLoadState("load"), page.locator("button[type=submit]").click()]);
    await expect(page.locator("[role=alert]").innerText()).resolves.toMatch(
      /not one of the receiver's read tokens/,
    );

    await page.locator("#token").fill(token);
    await page.locator("button[type=submit]").click();
    await page.waitForURL(`${url}/operations`);
    const cookies = await browser.context.cookies(url);
    expect(cookies.find((cookie) => cookie.name === sessionCookie)).toMatchObject({
      httpOnly: true,
      sameSite: "Strict",
    });

    await page.goto(`${url}/`);
    await expect(page.locator("h1").first().innerText()).resolves.not.toBe("Sign in");
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(`${url}/login`);
    expect((await browser.context.cookies(url)).map((cookie) => cookie.name)).not.toContain(sessionCookie);

    // Signed out: the dashboard asks again.
    await page.goto(`${url}/`);
    expect(new URL(page.url()).pathname).toBe("/login");
    // The refused token's page is a 401 on purpose; Chromium reports that status as a console error. Nothing else.
    expect(errors).toEqual([
      "Failed to load resource: the server responded with a status of 401 (Unauthorized)",
    ]);
  });
});
