// The conformance page is the scenario table the runner reads, rendered: every scenario with what it sends on each
// provider and channel, what it expects, why and its source; and what each provider does when an answer fails.
import {
  type ConformanceTarget,
  conformanceScenarios,
  conformanceTargets,
  deliveryConsequences,
  forTarget,
  targetLabels,
} from "@meeting-webhooks/mocks/conformance";
import { describe, expect, it } from "vitest";
import { renderCatalogPage } from "../src/catalog-page.js";
import { renderConformancePage, scenarioAnchor } from "../src/conformance-page.js";
import { repositoryContracts } from "../src/contracts.js";
import { loadEventCatalog } from "../src/event-catalog.js";
import { escapeHtml } from "../src/html.js";
import { renderInline } from "../src/markdown.js";

const html = renderConformancePage();

/** The article of one scenario, from its opening tag to its end. */
function article(id: string): string {
  const start = html.indexOf(`<article class="scenario" id="${scenarioAnchor(id)}"`);
  return start === -1 ? "" : html.slice(start, html.indexOf("</article>", start));
}

describe("renderConformancePage", () => {
  it("has one article per scenario, in the order the runner runs them", () => {
    const ids = [...html.matchAll(/<article class="scenario" id="scenario-([^"]+)"/g)].map((m) => m[1]);
    expect(ids).toEqual(conformanceScenarios.map((s) => s.id));
  });

  it.each(conformanceScenarios.map((s) => [s.id, s] as const))(
    "shows %s with its title, what it sends and its source on each target, its expectation and why",
    (id, scenario) => {
      const text = article(id);
      expect(text).toContain(escapeHtml(scenario.title));
      expect(text).toContain(renderInline(scenario.why));
      for (const target of scenario.appliesTo as readonly ConformanceTarget[]) {
        expect(text).toContain(`<span class="badge">${targetLabels[target]}</span>`);
        expect(text).toContain(renderInline(forTarget(scenario.sends, target) ?? "missing"));
        expect(text).toContain(renderInline(forTarget(scenario.source, target) ?? "missing"));
      }
      expect(text).toMatch(
        /<th>Expects<\/th><td><p>(2xx within the timeout|not 2xx|not 5xx \(2xx recommended\))</,
      );
    },
  );

  it("says what each provider does when an answer fails, with the contract's source", () => {
    for (const target of conformanceTargets) {
      expect(html).toContain(renderInline(deliveryConsequences[target].text));
      expect(html).toContain(renderInline(deliveryConsequences[target].source));
    }
    expect(html).toContain("disables an endpoint after 5 days of failures");
    expect(html).toContain("30 s (not documented: this tool&#39;s default)");
  });

  it("runs no script and links back to the catalog, which links to it", () => {
    expect(html).not.toContain("<script");
    expect(html).toContain("script-src &#39;none&#39;");
    expect(html).toContain('href="index.html"');
    expect(renderCatalogPage(loadEventCatalog(repositoryContracts))).toContain('href="conformance.html"');
  });
});
