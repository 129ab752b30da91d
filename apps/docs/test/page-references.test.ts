import { describe, expect, it } from "vitest";
import { cssReferences, destinationOf, pageReferences } from "../src/page-references.js";

describe("pageReferences", () => {
  it("finds links, scripts, stylesheets, images, srcset candidates and CSS url() in document order", () => {
    const html = `<!doctype html><html><head>
<link rel="stylesheet" href="assets/site.css"><link rel="icon" href="data:image/svg+xml,x">
<style>body { background: url("img/bg.png") }</style>
<script src="../assets/app.js"></script>
</head><body>
<a href="cronofy/openapi.html#/x">ref</a>
<img src="logo.svg" srcset="logo-1x.png 1x, logo-2x.png 2x">
<div style="background-image: url(img/div.png)"></div>
<form action="search.html"></form>
</body></html>`;
    expect(pageReferences(html)).toEqual([
      { kind: "resource", where: "link[href]", url: "assets/site.css" },
      { kind: "resource", where: "link[href]", url: "data:image/svg+xml,x" },
      { kind: "resource", where: "<style> url()", url: "img/bg.png" },
      { kind: "resource", where: "script[src]", url: "../assets/app.js" },
      { kind: "link", where: "a[href]", url: "cronofy/openapi.html#/x" },
      { kind: "resource", where: "img[src]", url: "logo.svg" },
      { kind: "resource", where: "img[srcset]", url: "logo-1x.png" },
      { kind: "resource", where: "img[srcset]", url: "logo-2x.png" },
      { kind: "resource", where: "style url()", url: "img/div.png" },
      { kind: "link", where: "form[action]", url: "search.html" },
    ]);
  });

  it("never reads a script's text as markup", () => {
    const html = `<script>const a = '<a href="/menu">x</a>'; el.innerHTML = '<img src="/x.png">';</script><p>text</p>`;
    expect(pageReferences(html)).toEqual([]);
  });

  it("reads the markup of a template's content", () => {
    expect(pageReferences(`<template><a href="/x">x</a></template>`)).toEqual([
      { kind: "link", where: "a[href]", url: "/x" },
    ]);
  });
});

describe("cssReferences", () => {
  it("reads url() in its three spellings and @import, not inside comments", () => {
    const css = `a{b:url(x.png)} c{d:url('y.png')} e{f:url( "z.png" )} /* url(no.png) */ @import "more.css";`;
    expect(cssReferences(css)).toEqual(["x.png", "y.png", "z.png", "more.css"]);
  });
});

describe("destinationOf", () => {
  const base = "http://127.0.0.1:9/meeting-webhooks/";
  const page = `${base}cronofy/openapi.html`;

  it("resolves a relative reference under the site's base, without its fragment", () => {
    expect(destinationOf("../index.html#top", page, base)).toEqual({ to: "site", url: `${base}index.html` });
    expect(destinationOf("asyncapi.json", page, base)).toEqual({
      to: "site",
      url: `${base}cronofy/asyncapi.json`,
    });
  });

  it("tells a reference from the host's root, one above the site and one on another origin", () => {
    expect(destinationOf("/bot-webhooks", page, base)).toEqual({ to: "host-root" });
    expect(destinationOf("../../other/x.js", page, base)).toEqual({
      to: "above-site",
      url: "http://127.0.0.1:9/other/x.js",
    });
    expect(destinationOf("https://redocly.com/redoc/", page, base)).toEqual({
      to: "other-origin",
      url: "https://redocly.com/redoc/",
    });
    expect(destinationOf("//cdn.example.invalid/x.js", page, base)).toEqual({
      to: "other-origin",
      url: "http://cdn.example.invalid/x.js",
    });
  });

  it("needs no server for a fragment, data:, blob: or mailto:", () => {
    for (const url of ["", "#/bot-webhooks", "data:image/svg+xml,x", "blob:x", "mailto:a@example.invalid"]) {
      expect(destinationOf(url, page, base).to, url).toMatch(/^(same-page|no-server)$/);
    }
  });
});
