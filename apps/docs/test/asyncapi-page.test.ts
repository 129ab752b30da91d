import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { asyncApiAssets, asyncApiOperationHash, renderAsyncApiPage } from "../src/asyncapi-page.js";

const assets = asyncApiAssets();
const document = { asyncapi: "3.0.0", info: { title: "T", version: "1", description: "</script><b>" } };
const html = renderAsyncApiPage({
  asyncapi: document,
  title: "T: AsyncAPI reference",
  root: "../",
  assets,
  nav: [{ href: "../index.html", label: "← Event catalog" }],
});

describe("asyncApiAssets", () => {
  it("points at the component's standalone bundle and styles, named with its version", () => {
    expect(existsSync(assets.script.from)).toBe(true);
    expect(existsSync(assets.styles.from)).toBe(true);
    expect(assets.script.path).toMatch(/^assets\/asyncapi-react-component-\d+\.\d+\.\d+\.js$/);
  });
});

describe("renderAsyncApiPage", () => {
  it("embeds the document as JSON that parses back unchanged", () => {
    const json = /<script type="application\/json" id="asyncapi-document">(.*?)<\/script>/s.exec(html)?.[1];
    expect(JSON.parse(json ?? "")).toEqual(document);
  });

  it("loads the component from the site itself, never from a CDN", () => {
    expect(html).toContain(`<script src="../${assets.script.path}"></script>`);
    expect(html).toContain(`<link rel="stylesheet" href="../${assets.styles.path}">`);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
  });

  it("forbids every other origin with a Content-Security-Policy", () => {
    expect(html).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;/);
  });
});

describe("asyncApiOperationHash", () => {
  it("is the id the component gives an operation", () => {
    expect(asyncApiOperationHash("receive", "receiveBotFailedWebhook")).toBe(
      "#operation-receive-receiveBotFailedWebhook",
    );
  });
});
