// Every URL a page of the site refers to in its markup (links, scripts, stylesheets, images, frames, forms, CSS
// `url()`), read with an HTML parser, so that text inside a script (Redoc's bundle is full of `href="…"` strings) is
// not taken for markup. The sub-path test checks each of them under a prefix; what a script fetches at run time is
// the browser test's part.
import { type DefaultTreeAdapterTypes, parse } from "parse5";

export type ReferenceKind =
  /** Navigation (`<a href>`, `<area href>`): may lead to another site. */
  | "link"
  /** Loaded with the page (scripts, stylesheets, icons, images, frames, CSS `url()`): must come from the site. */
  | "resource";

export interface PageReference {
  kind: ReferenceKind;
  /** Where it was found: `a[href]`, `img[srcset]`, `style url()`. */
  where: string;
  /** As written. */
  url: string;
}

/** Attributes holding one URL, by element. `link` covers stylesheets, icons and preloads. */
const urlAttributes: Record<string, { attribute: string; kind: ReferenceKind }[]> = {
  a: [{ attribute: "href", kind: "link" }],
  area: [{ attribute: "href", kind: "link" }],
  link: [{ attribute: "href", kind: "resource" }],
  script: [{ attribute: "src", kind: "resource" }],
  img: [{ attribute: "src", kind: "resource" }],
  source: [{ attribute: "src", kind: "resource" }],
  iframe: [{ attribute: "src", kind: "resource" }],
  embed: [{ attribute: "src", kind: "resource" }],
  object: [{ attribute: "data", kind: "resource" }],
  video: [
    { attribute: "src", kind: "resource" },
    { attribute: "poster", kind: "resource" },
  ],
  audio: [{ attribute: "src", kind: "resource" }],
  track: [{ attribute: "src", kind: "resource" }],
  form: [{ attribute: "action", kind: "link" }],
};

/** The URLs of a `srcset`: `a.png 1x, b.png 2x` → `a.png`, `b.png`. */
function srcsetUrls(srcset: string): string[] {
  return srcset
    .split(",")
    .map((candidate) => candidate.trim().split(/\s+/)[0] ?? "")
    .filter((url) => url !== "");
}

/** The URLs of a stylesheet's `url(…)` and `@import "…"`, comments left out. */
export function cssReferences(css: string): string[] {
  const text = css.replace(/\/\*[\s\S]*?\*\//g, "");
  const urls = [...text.matchAll(/url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"\s]*))\s*\)/gi)].map(
    (m) => m[1] ?? m[2] ?? m[3] ?? "",
  );
  const imports = [...text.matchAll(/@import\s+(?:"([^"]*)"|'([^']*)')/gi)].map((m) => m[1] ?? m[2] ?? "");
  return [...urls, ...imports].filter((url) => url !== "");
}

type Node = DefaultTreeAdapterTypes.Node;
type Element = DefaultTreeAdapterTypes.Element;

function isElement(node: Node): node is Element {
  return "tagName" in node;
}

function children(node: Node): Node[] {
  const own = "childNodes" in node ? node.childNodes : [];
  // A <template>'s markup is parsed into its content fragment, not its children.
  return node.nodeName === "template" && "content" in node ? [...own, ...node.content.childNodes] : own;
}

/** Every URL the page's markup refers to, in document order. Script text is never read as markup. */
export function pageReferences(html: string): PageReference[] {
  const found: PageReference[] = [];
  const visit = (node: Node) => {
    if (isElement(node)) {
      const attribute = (name: string) => node.attrs.find((a) => a.name === name)?.value;
      for (const { attribute: name, kind } of urlAttributes[node.tagName] ?? []) {
        const url = attribute(name);
        if (url !== undefined) found.push({ kind, where: `${node.tagName}[${name}]`, url });
      }
      const srcset = attribute("srcset");
      if (srcset !== undefined) {
        for (const url of srcsetUrls(srcset))
          found.push({ kind: "resource", where: `${node.tagName}[srcset]`, url });
      }
      const style = attribute("style");
      if (style !== undefined) {
        for (const url of cssReferences(style)) found.push({ kind: "resource", where: "style url()", url });
      }
      if (node.tagName === "style") {
        const css = node.childNodes.map((child) => ("value" in child ? child.value : "")).join("");
        for (const url of cssReferences(css)) found.push({ kind: "resource", where: "<style> url()", url });
      }
    }
    for (const child of children(node)) visit(child);
  };
  visit(parse(html));
  return found;
}

/** Where a reference leads, for a page served at `pageUrl` from a site whose root is `siteBase`. */
export type Destination =
  /** `#…` or empty: a place on the same page. */
  | { to: "same-page" }
  /** `data:`, `blob:`, `mailto:`…: nothing to load from a server. */
  | { to: "no-server" }
  /** A file of the site, under its base: `url` is absolute, without the fragment. */
  | { to: "site"; url: string }
  /** Written from the host's root (`/…`): outside the site wherever it is not at the host's root. */
  | { to: "host-root" }
  /** Relative, but climbs out of the site's base (`../../x`). */
  | { to: "above-site"; url: string }
  /** Another origin (`https://…`, `//…`). */
  | { to: "other-origin"; url: string };

export function destinationOf(reference: string, pageUrl: string, siteBase: string): Destination {
  const url = reference.trim();
  if (url === "" || url.startsWith("#")) return { to: "same-page" };
  if (url.startsWith("//")) return { to: "other-origin", url: new URL(url, pageUrl).href };
  if (url.startsWith("/")) return { to: "host-root" };
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  if (scheme && scheme !== "http" && scheme !== "https") return { to: "no-server" };
  const resolved = new URL(url, pageUrl);
  resolved.hash = "";
  if (resolved.origin !== new URL(siteBase).origin) return { to: "other-origin", url: resolved.href };
  return resolved.href.startsWith(siteBase)
    ? { to: "site", url: resolved.href }
    : { to: "above-site", url: resolved.href };
}
