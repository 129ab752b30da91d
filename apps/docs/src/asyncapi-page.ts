// The AsyncAPI reference of one provider: the @asyncapi/react-component standalone bundle, copied into the site,
// renders the bundled AsyncAPI document embedded in the page as JSON. No CDN, no fetch.
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { Json } from "./contracts.js";
import { contentSecurityPolicy, cspMetaTag, escapeHtml, faviconTag, jsonForScript } from "./html.js";

/** A file of a dependency that the site serves itself. */
export interface SiteAsset {
  /** Absolute path of the file in node_modules. */
  from: string;
  /** Path under the site root. */
  path: string;
}

export interface AsyncApiAssets {
  /** `browser/standalone/index.js`: React, the component and the AsyncAPI parser, as `AsyncApiStandalone`. */
  script: SiteAsset;
  /** `styles/default.min.css`. */
  styles: SiteAsset;
}

/** The component's browser files, named with its version so a host may cache them forever. */
export function asyncApiAssets(): AsyncApiAssets {
  const require = createRequire(import.meta.url);
  const manifest = require.resolve("@asyncapi/react-component/package.json");
  const { version } = require(manifest) as { version: string };
  const root = dirname(manifest);
  return {
    script: {
      from: join(root, "browser/standalone/index.js"),
      path: `assets/asyncapi-react-component-${version}.js`,
    },
    styles: {
      from: join(root, "styles/default.min.css"),
      path: `assets/asyncapi-react-component-${version}.css`,
    },
  };
}

/** The anchor the component gives an operation: `#operation-<action>-<operationId>`. */
export function asyncApiOperationHash(action: string, operationId: string): string {
  return `#operation-${action}-${operationId}`;
}

/** Options for the component: the sidebar for navigation, and parser errors shown rather than hidden. */
const asyncApiComponentConfig = { show: { sidebar: true, errors: true } };

// Reads the embedded document and renders it. One fixed script, so the page's CSP can allow it by hash.
const renderScript = `AsyncApiStandalone.render({schema: JSON.parse(document.getElementById("asyncapi-document").textContent), config: ${JSON.stringify(asyncApiComponentConfig)}}, document.getElementById("asyncapi"));`;

// The component's styles scope even `body` under `.aui-root`, so the page sets its own base font and margin,
// and drops the literal backticks its typography plugin wraps around inline code.
const pageStyles = `
body { margin: 0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; }
.aui-root .prose code:before, .aui-root .prose code:after { content: none; }
.site-nav { font: 14px/1.4 system-ui, sans-serif; padding: 8px 16px; background: #1f2937; }
.site-nav a { color: #e5e7eb; margin-right: 16px; }
`;

export interface AsyncApiPageOptions {
  asyncapi: Json;
  title: string;
  /** Links shown above the reference, relative to the page. */
  nav: { href: string; label: string }[];
  /** How the page reaches the site root, e.g. `../`. */
  root: string;
  assets: AsyncApiAssets;
}

export function renderAsyncApiPage({ asyncapi, title, nav, root, assets }: AsyncApiPageOptions): string {
  // The bundled parser compiles JSON Schemas with `new Function` (Ajv), hence 'unsafe-eval'. Scripts still
  // come only from the site itself, and nothing can be fetched at all (connect-src 'none').
  const csp = contentSecurityPolicy({ scripts: [renderScript], scriptSources: ["'self'", "'unsafe-eval'"] });
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${cspMetaTag(csp)}
${faviconTag}
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="${escapeHtml(root + assets.styles.path)}">
<style>${pageStyles}</style>
</head>
<body>
<nav class="site-nav">${nav.map((link) => `<a href="${escapeHtml(link.href)}">${escapeHtml(link.label)}</a>`).join("")}</nav>
<div id="asyncapi"></div>
<script type="application/json" id="asyncapi-document">${jsonForScript(asyncapi)}</script>
<script src="${escapeHtml(root + assets.script.path)}"></script>
<script>${renderScript}</script>
</body>
</html>
`;
}
