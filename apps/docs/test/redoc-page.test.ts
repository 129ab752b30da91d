import { describe, expect, it } from "vitest";
import { cspHash } from "../src/html.js";
import { hashRouteLinks, inlineScripts, localizeRedocPage, redocOperationHash } from "../src/redoc-page.js";

const page = `<!DOCTYPE html><html><head><title>t</title></head><body>
<div id="redoc"><img src="https://cdn.redoc.ly/redoc/logo-mini-full.svg"><a class="m" href="/bot-webhooks">Bot</a></div>
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

  it("turns the menu's links from the host's root into hash routes", () => {
    expect(local).toContain('<a class="m" href="#/bot-webhooks">Bot</a>');
  });

  it("links back to the catalog", () => {
    expect(local).toMatch(/<body>\n<a class="site-back"[^>]* href="..\/index.html">← Event catalog<\/a>/);
  });
});

describe("hashRouteLinks", () => {
  it("turns Redoc's menu links from the host's root into the hash routes its router reads", () => {
    expect(
      hashRouteLinks('<a class="m" href="/">Top</a><a href="/bot-webhooks" data-discover="true">Bot</a>'),
    ).toBe('<a class="m" href="#/">Top</a><a href="#/bot-webhooks" data-discover="true">Bot</a>');
  });

  it("leaves relative, absolute, protocol-relative and fragment links alone", () => {
    const links =
      '<a href="../index.html">a</a><a href="https://redocly.com/redoc/">b</a><a href="//x.invalid/">c</a><a href="#/x">d</a>';
    expect(hashRouteLinks(links)).toBe(links);
  });

  it("never edits a script, so the page's script hashes stay valid", () => {
    const html = `<script>const menu = '<a href="/bot-webhooks">';</script><a href="/bot-webhooks">Bot</a>`;
    expect(hashRouteLinks(html)).toBe(
      `<script>const menu = '<a href="/bot-webhooks">';</script><a href="#/bot-webhooks">Bot</a>`,
    );
  });
});
