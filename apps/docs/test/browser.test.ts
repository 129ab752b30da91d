// The built site in a real browser (headless Debian Chromium driven by playwright-core), served under a sub-path as
// GitHub Pages serves it (/<repo>/): every page loads with no console error and no request leaving the site (a
// request to the host's root counts as leaving it), the catalog lists every event the specs declare, and each
// reference page shows each webhook or operation, reached through the catalog's own links.
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { bundleAsyncApi, loadWebhooks, providers } from "@meeting-webhooks/specs";
import { chromiumOrSkip, type LaunchedChromium, launchChromium } from "@meeting-webhooks/test-support";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { docsSiteDir } from "../site.js";
import { buildSite } from "../src/build-site.js";
import { repositoryContracts } from "../src/contracts.js";
import { loadEventCatalog } from "../src/event-catalog.js";
import { asyncApiPagePath, catalogPagePath, openApiPagePath, sitePages } from "../src/pages.js";
import { type StaticServer, serveStatic } from "../src/static-server.js";

// No Chromium: one printed skip line, or a failure under CI=true (see @meeting-webhooks/test-support).
const executablePath = chromiumOrSkip("the docs site in Chromium (apps/docs/test/browser.test.ts)");
/** Where the site is served, as GitHub Pages serves a repository's site. */
const prefix = "/meeting-webhooks/";
/** Ignored by git and replaced on each run, so that a reviewer can look at the pages. */
const screenshotsDir = join(import.meta.dirname, "..", "test-results", "screenshots");

// The pages the site publishes. What each page must show comes straight from the specs (loadWebhooks,
// bundleAsyncApi), not from the site's own model.
const pages = sitePages(loadEventCatalog(repositoryContracts));

let server: StaticServer;
let browser: LaunchedChromium;
let context: BrowserContext;
/** Every URL a page tried to load from anywhere but the site (the local server under the prefix). */
const offsite: string[] = [];
/** Every path the local server had no file for. */
const notFound: string[] = [];

interface OpenedPage {
  page: Page;
  problems: string[];
}

/** Opens a path of the site, recording console errors, page errors and failed local loads as problems. */
async function open(path: string): Promise<OpenedPage> {
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("response", (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()} ${response.url()}`);
  });
  await page.goto(server.url(path));
  return { page, problems };
}

async function waitUntilRendered(page: Page, kind: string): Promise<void> {
  const selector = {
    catalog: "article.event",
    conformance: "article.scenario",
    openapi: "#api-content h1",
    asyncapi: '#asyncapi [id^="operation-"]',
  }[kind];
  if (selector) await page.locator(selector).first().waitFor({ timeout: 30_000 });
  await page.waitForLoadState("networkidle");
}

describe.runIf(executablePath)("the docs site in Chromium", () => {
  beforeAll(async () => {
    if (!existsSync(join(docsSiteDir, catalogPagePath))) await buildSite({ outDir: docsSiteDir });
    server = await serveStatic(docsSiteDir, { basePath: prefix, onNotFound: (path) => notFound.push(path) });
    browser = await launchChromium(executablePath as string, { viewport: { width: 1280, height: 900 } });
    context = browser.context;
    // Everything not on the local origin is refused and recorded, whatever asked for it.
    await context.route("**/*", (route) => {
      const url = route.request().url();
      if (url.startsWith(server.base)) return route.continue();
      offsite.push(url);
      return route.abort("blockedbyclient");
    });
    context.on("request", (request) => {
      const url = request.url();
      if (!/^(data|blob):/.test(url) && !url.startsWith(server.base) && !offsite.includes(url)) {
        offsite.push(url);
      }
    });
    rmSync(screenshotsDir, { recursive: true, force: true });
    mkdirSync(screenshotsDir, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  describe.each(pages)("the page $path", ({ path, kind }) => {
    it("loads with no console error and no request leaving the site", async () => {
      const [offsiteBefore, notFoundBefore] = [offsite.length, notFound.length];
      const { page, problems } = await open(path);
      await waitUntilRendered(page, kind);
      await page.screenshot({ path: join(screenshotsDir, `${path.replace(/[/.]/g, "_")}.png`) });
      await page.close();
      expect(offsite.slice(offsiteBefore)).toEqual([]);
      expect(notFound.slice(notFoundBefore)).toEqual([]);
      expect(problems).toEqual([]);
    });
  });

  describe("the catalog page", () => {
    it("lists every event of every provider's spec", async () => {
      const { page } = await open(catalogPagePath);
      const listed = await page
        .locator("article.event")
        .evaluateAll((articles) =>
          articles.map(
            (a) =>
              `${a.getAttribute("data-provider")} ${a.getAttribute("data-key")} ${a.querySelector("h3")?.textContent}`,
          ),
        );
      await page.close();
      const declared = providers.flatMap((p) => loadWebhooks(p).map((w) => `${p} ${w.key} ${w.event}`));
      expect(listed.sort()).toEqual(declared.sort());
    });

    it("filters by provider and by event name", async () => {
      const { page } = await open(catalogPagePath);
      const visible = () => page.locator("article.event:visible").count();
      for (const provider of providers) {
        await page.selectOption("#filter-provider", provider);
        expect(await visible()).toBe(loadWebhooks(provider).length);
      }
      await page.selectOption("#filter-provider", "");
      const [first] = loadWebhooks(providers[0]);
      await page.fill("#filter-text", first?.event ?? "");
      const shown = await page
        .locator("article.event:visible")
        .evaluateAll((a) => a.map((e) => e.getAttribute("data-event")));
      expect(shown).toContain(first?.event);
      await page.fill("#filter-text", "no event is called this");
      expect(await visible()).toBe(0);
      await expect(page.locator("#no-match").isVisible()).resolves.toBe(true);
      await page.close();
    });
  });

  describe.each(providers)("the %s OpenAPI reference", (provider) => {
    it("shows each webhook where the catalog links to it", async () => {
      const { page: catalog } = await open(catalogPagePath);
      const links = await catalog
        .locator(`article.event[data-provider="${provider}"] .links a`, { hasText: "OpenAPI reference" })
        .evaluateAll((anchors) => anchors.map((a) => a.getAttribute("href") ?? ""));
      await catalog.close();
      const webhooks = loadWebhooks(provider);
      expect(links).toHaveLength(webhooks.length);
      const { page } = await open(openApiPagePath(provider));
      await waitUntilRendered(page, "openapi");
      for (const [i, webhook] of webhooks.entries()) {
        const hash = new URL(links[i] ?? "", server.origin).hash;
        await page.evaluate((h) => {
          window.location.hash = h;
        }, hash);
        // Redoc scrolls the linked operation's heading to the top of the window.
        const heading = page.locator("#api-content h2", { hasText: webhook.summary }).first();
        await expect
          .poll(async () => (await heading.boundingBox())?.y ?? -1, { message: `${webhook.key} at ${hash}` })
          .toBeGreaterThanOrEqual(0);
        expect((await heading.boundingBox())?.y).toBeLessThan(300);
      }
      await page.close();
    });

    it("keeps its menu links on the page under the prefix, before and after a click", async () => {
      const { page, problems } = await open(openApiPagePath(provider));
      await waitUntilRendered(page, "openapi");
      const menu = page.locator('[data-component-name="Menu/MenuItem"] > a');
      const hrefs = await menu.evaluateAll((anchors) => anchors.map((a) => a.getAttribute("href") ?? ""));
      expect(hrefs.length).toBeGreaterThan(0);
      expect(hrefs.filter((href) => !href.startsWith("#/"))).toEqual([]);
      const last = hrefs.at(-1) ?? "";
      await menu.last().click();
      await expect.poll(() => page.url()).toBe(`${server.url(openApiPagePath(provider))}${last}`);
      await page.close();
      expect(problems).toEqual([]);
    });
  });

  describe.each(providers)("the %s AsyncAPI reference", (provider) => {
    it("shows each operation, and each catalog link lands on one", async () => {
      const { page: catalog } = await open(catalogPagePath);
      const links = await catalog
        .locator(`article.event[data-provider="${provider}"] .links a`, { hasText: "AsyncAPI reference" })
        .evaluateAll((anchors) => anchors.map((a) => a.getAttribute("href") ?? ""));
      await catalog.close();
      const { page } = await open(asyncApiPagePath(provider));
      await waitUntilRendered(page, "asyncapi");
      const operations = Object.entries(
        bundleAsyncApi(provider).operations as Record<string, { action: string }>,
      );
      for (const [id, operation] of operations) {
        await expect(
          page.locator(`[id="operation-${operation.action}-${id}"]`).first().innerText(),
        ).resolves.toContain(id);
      }
      for (const link of links) {
        const hash = decodeURIComponent(new URL(link, server.origin).hash.slice(1));
        expect(hash, link).not.toBe("");
        expect(await page.locator(`[id="${hash}"]`).count(), link).toBeGreaterThan(0);
      }
      await page.close();
    });
  });
});
