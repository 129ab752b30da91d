import { describe, expect, it } from "vitest";
import { catalogFilterScript, renderCatalogPage } from "../src/catalog-page.js";
import { repositoryContracts } from "../src/contracts.js";
import { loadEventCatalog } from "../src/event-catalog.js";
import { cspHash } from "../src/html.js";

const catalog = loadEventCatalog(repositoryContracts);
const html = renderCatalogPage(catalog);
const events = catalog.flatMap((p) => p.events);

describe("renderCatalogPage", () => {
  it("has one article per event, with its provider, channel and key for the filters", () => {
    const articles = [
      ...html.matchAll(
        /<article class="event" id="([^"]+)" data-provider="([^"]+)" data-channel="([^"]+)" data-key="([^"]+)"/g,
      ),
    ];
    expect(articles.map((m) => [m[1], m[2], m[3], m[4]])).toEqual(
      events.map((e) => [e.id, e.provider, e.channel, e.key]),
    );
  });

  it("shows each event's example payload, pretty-printed and escaped", () => {
    for (const event of events) {
      const first = JSON.stringify(event.examples[0]?.payload, null, 2)
        .replace(/&/g, "&amp;")
        .replace(/</g, "&lt;")
        .replace(/>/g, "&gt;")
        .replace(/"/g, "&quot;")
        .replace(/'/g, "&#39;");
      expect(html, event.key).toContain(first);
    }
  });

  it("links each event into both reference pages", () => {
    for (const event of events) {
      expect(html).toContain(`href="${event.links.openapi}"`);
      expect(html).toContain(`href="${event.links.asyncapi}"`);
    }
  });

  it("offers one provider filter per provider", () => {
    for (const p of catalog) expect(html).toContain(`<option value="${p.provider}">`);
  });

  it("inlines its filter script and allows only that script", () => {
    expect(html).toContain(`<script>${catalogFilterScript}</script>`);
    expect(html).toContain(cspHash(catalogFilterScript).replace(/'/g, "&#39;"));
  });

  it("loads nothing: no external script, stylesheet, image or font", () => {
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+rel="stylesheet"|<img[^>]+src="http|@import|url\(/);
  });

  it("escapes whatever the specs say", () => {
    const [first] = catalog;
    if (!first?.events[0]) throw new Error("no events");
    const hostile = [{ ...first, events: [{ ...first.events[0], summary: "<img src=x onerror=alert(1)>" }] }];
    expect(renderCatalogPage(hostile)).not.toContain("<img src=x");
  });
});
