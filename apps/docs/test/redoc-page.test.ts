import { describe, expect, it } from "vitest";
import { cspHash } from "../src/html.js";
import { inlineScripts, localizeRedocPage, redocOperationHash } from "../src/redoc-page.js";

const page = `<!DOCTYPE html><html><head><title>t</title></head><body>
<div id="redoc"><img src="https://cdn.redoc.ly/redoc/logo-mini-full.svg"></div>
<script>var a = "https://cdn.redoc.ly/redoc/logo-mini.svg";</script>
<script type="module">hydrate()</script>
<script src="./x.js"></script>
</body></html>`;

describe("redocOperationHash", () => {
  it("routes to the operation under its first tag, as Redoc does", () => {
    expect(redocOperationHash("Meeting Agent callbacks", "cronofyMeetingAgentFailed")).toBe(
      "#/meeting-agent-callbacks/cronofymeetingagentfailed",
    );
  });
});

describe("localizeRedocPage", () => {
  const local = localizeRedocPage(page, { href: "../index.html", label: "← Event catalog" });

  it("replaces every asset from Redoc's CDN with an inline data: URL", () => {
    expect(local).not.toContain("cdn.redoc.ly");
    expect(local.match(/data:image\/svg\+xml,/g)?.length).toBeGreaterThanOrEqual(2);
  });

  it("adds a Content-Security-Policy that allows exactly the page's inline scripts", () => {
    const attribute = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(local)?.[1] ?? "";
    const csp = attribute.replace(/&#39;/g, "'");
    expect(csp).toContain("default-src 'none'");
    const scripts = inlineScripts(local);
    expect(scripts).toHaveLength(2);
    expect(scripts[0]).toMatch(/^var a = "data:image\/svg\+xml,/);
    expect(scripts[1]).toBe("hydrate()");
    expect(csp).toContain(`script-src ${scripts.map(cspHash).join(" ")};`);
    expect(local.indexOf("Content-Security-Policy")).toBeLessThan(local.indexOf("<script"));
  });

  it("links back to the catalog", () => {
    expect(local).toMatch(/<body>\n<a class="site-back"[^>]* href="..\/index.html">← Event catalog<\/a>/);
  });
});
