// The page in headless Chromium with the provider mocks running in a service worker (msw/browser, setupWorker and
// public/mockServiceWorker.js): what it shows for a Cronofy transcript reached through the resource URL's redirect,
// a Meeting BaaS transcription behind a signed URL, an expired signed URL and a Cronofy outage. The app is built in
// mock mode and served by `vite preview`, as a team would run it.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { cronofy, meetingbaas } from "@meeting-webhooks/mocks";
import { chromiumArgs, chromiumOrSkip } from "@meeting-webhooks/test-support";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { build, type PreviewServer, preview } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));
const executablePath = chromiumOrSkip(
  "the transcript viewer with msw/browser in Chromium (apps/transcript-viewer)",
);

describe.skipIf(!executablePath)("the transcript page with the provider mocks in the browser", () => {
  let work: string;
  let server: PreviewServer;
  let context: BrowserContext;
  let base: string;
  /** Every request that tried to leave the machine: the service worker must answer all provider URLs. */
  const offsite: string[] = [];

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "transcript-viewer-"));
    const outDir = join(work, "dist");
    await build({ root, mode: "mock", logLevel: "warn", build: { outDir, emptyOutDir: true } });
    server = await preview({
      root,
      logLevel: "warn",
      build: { outDir },
      preview: { host: "127.0.0.1", port: 0, open: false },
    });
    base = server.resolvedUrls?.local[0] as string;
    context = await chromium.launchPersistentContext(join(work, "profile"), {
      executablePath,
      args: [...chromiumArgs],
    });
    await context.route("**/*", (route) => {
      const url = route.request().url();
      if (url.startsWith(base)) return route.continue();
      offsite.push(url);
      return route.abort();
    });
  });

  afterAll(async () => {
    await context?.close();
    await server?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  /** Opens the page with `query`, waits until it has shown a transcript or a problem, and notes console errors. */
  async function open(query: Record<string, string>): Promise<{ page: Page; errors: string[] }> {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(message.text());
    });
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(`${base}?${new URLSearchParams(query)}`);
    await page.waitForFunction(() => document.querySelector("#status")?.textContent !== "Loading…");
    return { page, errors };
  }

  it("shows every turn of a Cronofy transcript reached through the resource URL's redirect", async () => {
    const callback = cronofy.meetingAgentComplete(undefined, { seed: 2 });
    const resource = callback.meeting_agent.resources.find((r) => r.category === "transcript");
    const expected = cronofy
      .transcript(undefined, { seed: 2 })
      .transcript.paragraphs.map((p) => `${p.speaker.name}: ${p.sentences.map((s) => s.text).join(" ")}`);
    const { page, errors } = await open({ cronofy: resource?.url as string, key: "test-api-key" });
    expect(await page.locator("#lines li").allTextContents()).toEqual(expected);
    expect(await page.locator("#status").textContent()).toBe(`${expected.length} turns.`);
    expect(errors).toEqual([]);
    expect(offsite).toEqual([]); // the service worker answered every provider URL
    await page.close();
  });

  it("shows the Meeting BaaS transcription behind the signed URL of bot.completed, spoken by the bot's speakers", async () => {
    const completed = meetingbaas.botCompleted(undefined, { seed: 3 });
    const { page, errors } = await open({ meetingbaas: completed.data.transcription as string });
    const speakers = await page.locator("#lines li strong").allTextContents();
    expect(speakers.length).toBeGreaterThan(0);
    expect(new Set(speakers)).toEqual(new Set(completed.data.speakers.map((s) => s.name)));
    expect(errors).toEqual([]);
    expect(offsite).toEqual([]); // the service worker answered every provider URL
    await page.close();
  });

  it("says the link has expired when the signed URL answers 403", async () => {
    const completed = meetingbaas.botCompleted(undefined, { seed: 3 });
    const { page } = await open({ meetingbaas: completed.data.transcription as string, scenario: "expired" });
    await expect(page.locator("#problem").textContent()).resolves.toMatch(/link has expired/);
    expect(await page.locator("#problem").isVisible()).toBe(true);
    expect(await page.locator("#lines li").count()).toBe(0);
    await page.close();
  });

  it("says the transcript is unavailable when Cronofy answers 502", async () => {
    const resource = cronofy.meetingAgentComplete(undefined, { seed: 2 }).meeting_agent.resources[1];
    const { page } = await open({ cronofy: resource?.url as string, key: "k", scenario: "cronofy-down" });
    expect(await page.locator("#problem").textContent()).toBe("Transcript unavailable (502).");
    await page.close();
  });
});
