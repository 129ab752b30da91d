// Small HTML helpers shared by the pages we write ourselves: escaping, embedding JSON in a script, and the
// Content-Security-Policy that makes the browser itself refuse anything from outside the site.
import { createHash } from "node:crypto";

const entities: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => entities[c] ?? c);
}

/**
 * JSON that can sit inside `<script type="application/json">`: `<` is escaped so that no string in the data
 * can close the script element, and U+2028/U+2029 so that the text is also valid JavaScript.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/** The CSP source expression allowing exactly this inline script or style. */
export function cspHash(source: string): string {
  return `'sha256-${createHash("sha256").update(source, "utf8").digest("base64")}'`;
}

export interface CspOptions {
  /** Inline scripts allowed on the page (by hash). */
  scripts?: string[];
  /** Extra `script-src` sources such as `'unsafe-eval'`, for libraries that compile code at run time. */
  scriptSources?: string[];
}

/**
 * A policy that allows nothing from any other origin: no network calls at all (`connect-src 'none'`), styles
 * and images from the site itself (or inline), and only the listed inline scripts. A page that tried to load a
 * CDN script, a font or an image would be refused by the browser, and fail the docs test.
 */
export function contentSecurityPolicy({ scripts = [], scriptSources = [] }: CspOptions = {}): string {
  const scriptSrc = [...scripts.map(cspHash), ...scriptSources];
  return [
    "default-src 'none'",
    `script-src ${scriptSrc.length > 0 ? scriptSrc.join(" ") : "'none'"}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "connect-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ");
}

export function cspMetaTag(policy: string): string {
  return `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(policy)}">`;
}

/** The site's icon, inline, so that no browser asks the host for /favicon.ico. */
export const faviconTag = `<link rel="icon" href="data:image/svg+xml,${encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#1d4ed8"/>' +
    '<path d="M3 11l3-6 2 4 2-4 3 6" fill="none" stroke="#fff" stroke-width="1.6"/></svg>',
)}">`;
