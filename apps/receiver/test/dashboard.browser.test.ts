// The dashboard in headless Chromium (Debian's chromium, driven by playwright-core): after a simulated completed
// meeting it shows the meeting, its status and its transcript text.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromiumOrSkip, type LaunchedChromium, launchChromium } from "@meeting-webhooks/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Receiver } from "../src/app.js";
import { cronofyRequest, example, startReceiver } from "./support.js";

// No Chromium: one printed skip line, or a failure under CI=true (see @meeting-webhooks/test-support).
const executablePath = chromiumOrSkip(
  "the dashboard in Chromium (apps/receiver/test/dashboard.browser.test.ts)",
);
/** Ignored by git and replaced on each run, so that a reviewer can look at the page. */
const screenshotsDir = join(import.meta.dirname, "..", "test-results", "screenshots");

let receiver: Receiver;
let browser: LaunchedChromium;
let url: string;
const transcript = example("cronofy/examples/transcript.json");

describe.runIf(executablePath)("dashboard in Chromium", () => {
  beforeAll(async () => {
    const providerFetch = async (input: string) =>
      input.startsWith("https://cronofy-resources.example.invalid/")
        ? Response.json(
            { resource: { download_url: "https://downloads.cronofy.test/t.json" } },
            { status: 302 },
          )
        : Response.json(transcript);
    receiver = await startReceiver({ env: { CRONOFY_API_KEY: "key" } }, { fetch: providerFetch });
    url = await receiver.app.listen({ port: 0, host: "127.0.0.1" });
    for (const file of ["meeting_agent_activated.json", "meeting_agent_complete.json"]) {
      const request = cronofyRequest(example(`cronofy/examples/${file}`));
      const response = await fetch(`${url}${request.url}`, {
        method: "POST",
        headers: request.headers,
        body: request.payload,
      });
      expect(response.status).toBe(202);
    }
    await receiver.drain();
    browser = await launchChromium(executablePath as string);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await receiver?.close();
  });

  it("shows the meeting, its status and its transcript, with no console error and nothing loaded from elsewhere", async () => {
    const page = await browser.context.newPage();
    const errors: string[] = [];
    const outside: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(message.text());
    });
    page.on("request", (request) => {
      if (!request.url().startsWith(url)) outside.push(request.url());
    });
    await page.goto(`${url}/`);
    const row = page.locator("tr", { hasText: "Product sync: Q1 roadmap" });
    await expect(row.locator(".status").innerText()).resolves.toBe("completed");
    await expect(row.innerText()).resolves.toMatch(/cronofy/);
    await row.locator("a").click();
    await page.waitForURL(/\/meetings\/\d+$/);
    const body = await page.locator("body").innerText();
    expect(body).toMatch(/Product sync: Q1 roadmap/);
    expect(body).toMatch(/completed/);
    const firstSentence = transcript.transcript.paragraphs[0].sentences[0].text as string;
    expect(body).toContain(firstSentence);
    mkdirSync(screenshotsDir, { recursive: true });
    await page.screenshot({ path: join(screenshotsDir, "meeting.png"), fullPage: true });
    expect({ errors, outside }).toEqual({ errors: [], outside: [] });
  });
});
