// The built site as GitHub Pages serves a project's site: under /<repo>/, here /meeting-webhooks/. Every page's
// links, scripts, stylesheets and images (and the url()s of its stylesheets) answer 200 under that prefix; none is
// written from the host's root or climbs above the prefix; only navigation links lead to other sites. What scripts
// fetch at run time is the browser test's part: it loads the pages under the same prefix.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { docsSiteDir } from "../site.js";
import { buildSite } from "../src/build-site.js";
import { repositoryContracts } from "../src/contracts.js";
import { loadEventCatalog } from "../src/event-catalog.js";
import { cssReferences, type Destination, destinationOf, pageReferences } from "../src/page-references.js";
import { catalogPagePath, sitePages } from "../src/pages.js";
import { type StaticServer, serveStatic } from "../src/static-server.js";

const prefix = "/meeting-webhooks/";
const pages = sitePages(loadEventCatalog(repositoryContracts));

let server: StaticServer;

interface Reference {
  kind: "link" | "resource";
  where: string;
  url: string;
  destination: Destination;
}

/** Every reference of a file of the site: a page's markup, or a stylesheet's url()s. */
function referencesOf(path: string): Reference[] {
  const text = readFileSync(join(docsSiteDir, path), "utf8");
  const found = path.endsWith(".css")
    ? cssReferences(text).map((url) => ({ kind: "resource" as const, where: "url()", url }))
    : pageReferences(text);
  return found.map((r) => ({ ...r, destination: destinationOf(r.url, server.url(path), server.base) }));
}

/** A page's references, and those of the stylesheets it loads from the site. */
function pageAndStylesheets(path: string): Reference[] {
  const own = referencesOf(path);
  const stylesheets = own.flatMap(({ destination: d }) =>
    d.to === "site" && d.url.endsWith(".css") ? [d.url.slice(server.base.length)] : [],
  );
  return [...own, ...stylesheets.flatMap(referencesOf)];
}

const shown = ({ where, url }: Reference) => `${where} ${url}`;

function htmlFilesUnder(dir: string, prefixPath = ""): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = `${prefixPath}${entry.name}`;
    if (entry.isDirectory()) return htmlFilesUnder(join(dir, entry.name), `${path}/`);
    return entry.name.endsWith(".html") ? [path] : [];
  });
}

beforeAll(async () => {
  if (!existsSync(join(docsSiteDir, catalogPagePath))) await buildSite({ outDir: docsSiteDir });
  server = await serveStatic(docsSiteDir, { basePath: prefix });
});

afterAll(async () => {
  await server?.close();
});

describe(`the docs site under ${prefix}`, () => {
  it("has no HTML page besides the ones checked here", () => {
    expect(htmlFilesUnder(docsSiteDir).sort()).toEqual(pages.map((p) => p.path).sort());
  });

  it("answers the prefix without its slash with a redirect to it, as GitHub Pages does", async () => {
    const response = await fetch(`${server.origin}${prefix.slice(0, -1)}`, { redirect: "manual" });
    expect(response.status).toBe(301);
    expect(response.headers.get("location")).toBe(prefix);
    expect((await fetch(server.base)).status).toBe(200);
  });

  describe.each(pages)("the page $path", ({ path }) => {
    it("refers to nothing from the host's root or above the prefix", () => {
      const outside = pageAndStylesheets(path).filter(
        ({ destination: d }) => d.to === "host-root" || d.to === "above-site",
      );
      expect(outside.map(shown)).toEqual([]);
    });

    it("loads its scripts, stylesheets and images from the site only", () => {
      const elsewhere = pageAndStylesheets(path).filter(
        ({ kind, destination: d }) => kind === "resource" && d.to === "other-origin",
      );
      expect(elsewhere.map(shown)).toEqual([]);
    });

    it("answers 200 under the prefix, and so does every link, script, stylesheet and image it refers to", async () => {
      const urls = new Set([server.url(path)]);
      for (const { destination: d } of pageAndStylesheets(path)) if (d.to === "site") urls.add(d.url);
      const failed: string[] = [];
      for (const url of urls) {
        const { status } = await fetch(url, { method: "HEAD" });
        if (status !== 200) failed.push(`${status} ${url}`);
      }
      expect(failed).toEqual([]);
      expect(urls.size).toBeGreaterThan(1);
    });
  });
});
