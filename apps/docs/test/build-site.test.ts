import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { makeTempDir } from "@meeting-webhooks/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BuiltSite, buildSite } from "../src/build-site.js";

let site: BuiltSite;
const work = makeTempDir("meeting-webhooks-docs-build-");
const outDir = join(work.path, "site");

beforeAll(async () => {
  site = await buildSite({ outDir });
});
afterAll(() => work.remove());

describe("buildSite", () => {
  it("writes the catalog, the conformance scenarios and an OpenAPI and an AsyncAPI reference per provider", () => {
    expect(site.pages.map((p) => p.path)).toEqual([
      "index.html",
      "conformance.html",
      ...site.catalog.flatMap((p) => [`${p.provider}/openapi.html`, `${p.provider}/asyncapi.html`]),
    ]);
    for (const page of site.pages) expect(existsSync(join(outDir, page.path)), page.path).toBe(true);
  });

  it("publishes the bundled documents the references are rendered from", () => {
    for (const { provider, openapi, asyncapi } of site.catalog) {
      expect(JSON.parse(readFileSync(join(outDir, provider, "openapi.json"), "utf8"))).toEqual(openapi);
      expect(JSON.parse(readFileSync(join(outDir, provider, "asyncapi.json"), "utf8"))).toEqual(asyncapi);
    }
  });

  it("renders every webhook with its example into the Redoc pages", () => {
    for (const { provider, events } of site.catalog) {
      const html = readFileSync(join(outDir, provider, "openapi.html"), "utf8");
      for (const event of events) {
        expect(html, event.key).toContain(event.operationId);
        expect(html, event.key).toContain(JSON.stringify(event.examples[0]?.payload));
      }
    }
  });

  it("shows Meeting BaaS's documented retry schedules, error codes and chat messages", () => {
    const openapi = readFileSync(join(outDir, "meetingbaas", "openapi.html"), "utf8");
    const asyncapi = readFileSync(join(outDir, "meetingbaas", "asyncapi.html"), "utf8");
    for (const html of [openapi, asyncapi]) {
      expect(html).toContain("5 min, 15 min, 30 min");
      expect(html).toContain("at least 60 s");
      expect(html).toContain("disabled");
    }
    expect(openapi).toContain("WAITING_FOR_AUTHORIZED_USER_TIMEOUT");
    expect(openapi).toContain("HOST_CLIENT_CANNOT_GRANT_PERMISSION");
    expect(openapi).toContain("chat_messages");
    expect(openapi).toContain("ChatMessages");
    const catalog = readFileSync(join(outDir, "index.html"), "utf8");
    const callback = catalog.slice(catalog.indexOf('data-key="callback/bot.completed"'));
    expect(callback.slice(0, callback.indexOf("</header>"))).toMatch(
      />POST<\/span>\s*<span class="badge">PUT</,
    );
  });

  it("refers to no script, stylesheet or image outside the site", () => {
    for (const page of site.pages) {
      const html = readFileSync(join(outDir, page.path), "utf8");
      const external = [...html.matchAll(/<(script|link|img)\b[^>]*\b(src|href)="((https?:)?\/\/[^"]*)"/g)];
      expect(
        external.map((m) => m[3]),
        page.path,
      ).toEqual([]);
      expect(html, page.path).not.toContain("cdn.redoc.ly");
    }
  });
});
