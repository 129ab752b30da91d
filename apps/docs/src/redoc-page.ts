// The OpenAPI reference of one provider, rendered by Redocly's `build-docs` from the bundled document (examples
// inlined, so the `webhooks` section shows each payload) into one self-contained HTML file.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import type { Json } from "./contracts.js";
import { cspHash, cspMetaTag, escapeHtml, faviconTag } from "./html.js";

const run = promisify(execFile);

/** Environment for every Redocly run: no telemetry, no update check. */
const quietToolEnv = {
  REDOCLY_TELEMETRY: "off",
  REDOCLY_SUPPRESS_UPDATE_NOTICE: "true",
  SCARF_ANALYTICS: "false",
  DO_NOT_TRACK: "1",
} as const;

function redoclyCli(): string {
  const require = createRequire(import.meta.url);
  const manifest = require.resolve("@redocly/cli/package.json");
  const { bin } = require(manifest) as { bin: Record<string, string> };
  return join(dirname(manifest), bin.redocly ?? "bin/cli.js");
}

/** Redoc's slug of a tag: lower case, every run of other characters a single dash. */
function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}

/** The hash Redoc routes to for an operation: `#/<tag slug>/<operationId in lower case>`. */
export function redocOperationHash(tag: string | undefined, operationId: string): string {
  const id = operationId.toLowerCase();
  return tag ? `#/${slug(tag)}/${id}` : `#/${id}`;
}

// Redoc's attribution footer shows a logo fetched from its CDN; the site shows the same words with a local logo.
const attributionLogo = `data:image/svg+xml,${encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" width="80" height="16" viewBox="0 0 80 16">' +
    '<text x="0" y="12" font-family="sans-serif" font-size="12" font-weight="600" fill="#0044d4">Redocly</text></svg>',
)}`;

/** The contents of every inline `<script>` of a page, as the browser hashes them. */
export function inlineScripts(html: string): string[] {
  return [...html.matchAll(/<script(?![^>]*\ssrc=)[^>]*>([\s\S]*?)<\/script>/gi)].map((m) => m[1] ?? "");
}

/**
 * The policy of a Redoc page: its own inline scripts (by hash) and the `blob:` workers and URLs its search and
 * downloads create; nothing from any other origin.
 */
function redocContentSecurityPolicy(html: string): string {
  return [
    "default-src 'none'",
    `script-src ${inlineScripts(html).map(cspHash).join(" ")}`,
    "worker-src blob:",
    "connect-src 'self' blob:",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ");
}

/** Applies `transform` to the markup between the scripts, leaving every `<script>` element as it is. */
function outsideScripts(html: string, transform: (markup: string) => string): string {
  return html
    .split(/(<script\b[\s\S]*?<\/script>)/i)
    .map((part, i) => (i % 2 === 1 ? part : transform(part)))
    .join("");
}

/**
 * Redoc renders its menu on the server with links from the host's root (`href="/bot-webhooks"`), and keeps them
 * after hydration, while its router reads the hash (`#/bot-webhooks`). Under a sub-path such as GitHub Pages'
 * `/<repo>/` a root link leaves the site (open in a new tab, or before the script runs), so each becomes the hash
 * route it stands for, which the page opens at in any case.
 */
export function hashRouteLinks(html: string): string {
  return outsideScripts(html, (markup) => markup.replace(/(<a\b[^>]*?\shref=")\/(?!\/)/gi, "$1#/"));
}

const backLinkStyle =
  "position:fixed;bottom:16px;right:16px;z-index:1000;font:13px/1.4 system-ui,sans-serif;padding:4px 10px;" +
  "border-radius:999px;background:#1f2937;color:#f9fafb;text-decoration:none";

/**
 * Makes a Redoc page self-contained and part of the site: the attribution logo Redoc loads from its CDN
 * becomes an inline `data:` URL, its menu links from the host's root become hash routes, a
 * Content-Security-Policy forbids every other origin, and a link leads back to the catalog. Anything this misses
 * is caught by the browser test, which fails on any request that leaves the site, and by the sub-path test.
 */
export function localizeRedocPage(html: string, backLink?: { href: string; label: string }): string {
  const local = hashRouteLinks(html.replace(/https:\/\/cdn\.redoc\.ly\/[^"'`\s)]+\.svg/g, attributionLogo));
  const csp = cspMetaTag(redocContentSecurityPolicy(local));
  const link = backLink
    ? `<a class="site-back" style="${backLinkStyle}" href="${escapeHtml(backLink.href)}">${escapeHtml(backLink.label)}</a>`
    : "";
  return local.replace(/<head>/i, `<head>\n${csp}\n${faviconTag}`).replace(/<body>/i, `<body>\n${link}`);
}

export interface RedocPageOptions {
  openapi: Json;
  title: string;
  /** The HTML file to write. */
  outFile: string;
  /** A link back into the site, shown in the page's top right corner. */
  backLink?: { href: string; label: string };
}

/** Renders a bundled OpenAPI document with `redocly build-docs`, Redoc inlined and telemetry disabled. */
export async function buildRedocPage({ openapi, title, outFile, backLink }: RedocPageOptions): Promise<void> {
  // A folder of its own: build-docs reads a redocly.yaml from its working directory, and there is none here.
  const work = await mkdtemp(join(tmpdir(), "meeting-webhooks-redoc-"));
  try {
    const input = join(work, "openapi.json");
    const output = join(work, "openapi.html");
    await writeFile(input, JSON.stringify(openapi));
    await run(
      process.execPath,
      [
        redoclyCli(),
        "build-docs",
        input,
        "--output",
        output,
        "--title",
        title,
        "--inlineBundle",
        "--openapi.disableTelemetry=true",
        "--lint-config=off",
      ],
      { cwd: work, env: { ...process.env, ...quietToolEnv }, maxBuffer: 16 * 1024 * 1024 },
    );
    await writeFile(outFile, localizeRedocPage(await readFile(output, "utf8"), backLink));
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
