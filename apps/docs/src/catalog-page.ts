// The landing page: the event catalog across providers, rendered from loadEventCatalog's model into one HTML
// file with its styles and a small filter script inline.
import { readFileSync } from "node:fs";
import { type CatalogEvent, channelLabels, type ProviderCatalog } from "./event-catalog.js";
import { contentSecurityPolicy, cspMetaTag, escapeHtml, faviconTag } from "./html.js";
import { renderInline, renderMarkdown } from "./markdown.js";
import {
  asyncApiBundlePath,
  asyncApiPagePath,
  conformancePagePath,
  openApiBundlePath,
  openApiPagePath,
} from "./pages.js";

/** The browser script that filters the catalog, inlined into the page. */
export const catalogFilterScript = readFileSync(
  new URL("./client/catalog-filter.js", import.meta.url),
  "utf8",
);

/** The site's stylesheet, shared by the pages we write ourselves (the catalog, the conformance page). */
export const styles = `
:root { color-scheme: light; --fg: #1f2937; --muted: #4b5563; --line: #e5e7eb; --accent: #1d4ed8; --code: #f3f4f6; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); }
a { color: var(--accent); }
code, pre { font: 13px/1.45 ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; }
code { background: var(--code); padding: 0 3px; border-radius: 3px; }
pre { background: #0f172a; color: #e2e8f0; padding: 12px; border-radius: 6px; overflow: auto; max-height: 28em; }
pre code { background: none; padding: 0; }
.page { max-width: 1100px; margin: 0 auto; padding: 24px 20px 64px; }
h1 { margin: 0 0 4px; font-size: 28px; }
.lead { color: var(--muted); margin: 0 0 20px; }
.references { display: grid; grid-template-columns: repeat(auto-fit, minmax(300px, 1fr)); gap: 12px; margin-bottom: 20px; }
.reference { border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; }
.reference h2 { font-size: 16px; margin: 0 0 4px; }
.reference p { margin: 0 0 8px; color: var(--muted); }
.reference a { margin-right: 12px; }
#filters { position: sticky; top: 0; z-index: 1; background: #fff; border-bottom: 1px solid var(--line);
  display: flex; flex-wrap: wrap; gap: 12px; align-items: end; padding: 10px 0; }
#filters label { display: flex; flex-direction: column; font-size: 13px; color: var(--muted); }
#filters select, #filters input { font: inherit; padding: 4px 6px; min-width: 180px; }
#filters input { min-width: 260px; }
#filter-count { margin-left: auto; color: var(--muted); }
section.provider > h2 { margin: 28px 0 8px; font-size: 22px; }
article.event { border: 1px solid var(--line); border-radius: 8px; padding: 14px 16px; margin: 12px 0; }
article.event > header { display: flex; flex-wrap: wrap; gap: 8px; align-items: baseline; }
article.event h3 { margin: 0; font-size: 19px; }
article.event h3 code { background: none; font-size: 18px; }
article.event h4 { margin: 14px 0 4px; font-size: 14px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
.badge { font-size: 12px; border-radius: 999px; padding: 1px 8px; border: 1px solid var(--line); color: var(--muted); }
.badge.channel-callback { border-color: #a7f3d0; background: #ecfdf5; color: #065f46; }
.badge.channel-webhook { border-color: #bfdbfe; background: #eff6ff; color: #1e40af; }
.summary { font-weight: 600; margin: 6px 0 0; }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
th, td { text-align: left; vertical-align: top; border-bottom: 1px solid var(--line); padding: 6px 8px; }
td:first-child code { white-space: nowrap; }
td p, .verification p { margin: 0 0 4px; }
figure.example { margin: 8px 0; }
figure.example figcaption { color: var(--muted); font-size: 14px; margin-bottom: 4px; }
.links a { margin-right: 14px; }
.muted { color: var(--muted); }
footer { margin-top: 40px; color: var(--muted); font-size: 13px; }
[hidden] { display: none !important; }
`;

function headersTable(event: CatalogEvent): string {
  if (event.headers.length === 0) return `<p class="muted">The contract declares no headers.</p>`;
  const rows = event.headers.map(
    (h) => `<tr>
<td><code>${escapeHtml(h.name)}</code></td>
<td>${h.required ? "required" : "optional"}</td>
<td>${renderMarkdown(h.description)}${h.pattern ? `<p class="muted">Pattern <code>${escapeHtml(h.pattern)}</code></p>` : ""}</td>
<td>${h.example === undefined ? "" : `<code>${escapeHtml(h.example)}</code>`}</td>
</tr>`,
  );
  return `<table><thead><tr><th>Header</th><th></th><th>Meaning</th><th>Example</th></tr></thead>
<tbody>${rows.join("")}</tbody></table>`;
}

function verification(event: CatalogEvent): string {
  if (event.verification.length === 0) {
    return `<p class="muted">The contract declares no credential for this delivery.</p>`;
  }
  const schemes = event.verification.map(
    (v) =>
      `<div class="scheme"><p><code>${escapeHtml(v.header || v.scheme)}</code></p>${renderMarkdown(v.description)}</div>`,
  );
  const optional = event.verificationOptional
    ? `<p class="muted">Optional: a delivery may also arrive without this credential when none is configured.</p>`
    : "";
  return `<div class="verification">${schemes.join("")}${optional}</div>`;
}

function examples(event: CatalogEvent): string {
  const [first, ...more] = event.examples;
  if (!first) return `<p class="muted">The contract has no example.</p>`;
  const figure = (e: (typeof event.examples)[number]) =>
    `<figure class="example"><figcaption>${renderInline(e.summary || e.name)}</figcaption>
<pre><code>${escapeHtml(JSON.stringify(e.payload, null, 2))}</code></pre></figure>`;
  const others =
    more.length === 0
      ? ""
      : `<details><summary>${more.length} more example${more.length === 1 ? "" : "s"}</summary>${more.map(figure).join("")}</details>`;
  return figure(first) + others;
}

/** Lower-case text the search box matches: names, summary, description and headers. */
function searchText(event: CatalogEvent): string {
  return [
    event.event,
    event.key,
    event.operationId,
    event.summary,
    event.description,
    event.schemaTitle,
    event.providerTitle,
    channelLabels[event.channel],
    ...event.headers.map((h) => h.name),
  ]
    .join(" ")
    .toLowerCase();
}

function eventArticle(event: CatalogEvent): string {
  return `<article class="event" id="${escapeHtml(event.id)}" data-provider="${escapeHtml(event.provider)}" data-channel="${escapeHtml(event.channel)}" data-key="${escapeHtml(event.key)}" data-event="${escapeHtml(event.event)}" data-search="${escapeHtml(searchText(event))}">
<header>
<h3><a href="#${escapeHtml(event.id)}"><code>${escapeHtml(event.event)}</code></a></h3>
<span class="badge provider">${escapeHtml(event.providerTitle)}</span>
<span class="badge channel-${escapeHtml(event.channel)}">${escapeHtml(channelLabels[event.channel])}</span>
${event.methods.map((method) => `<span class="badge">${escapeHtml(method)}</span>`).join("\n")}
</header>
<p class="summary">${renderInline(event.summary)}</p>
<h4>When it fires</h4>
${renderMarkdown(event.description)}
<h4>Headers</h4>
${headersTable(event)}
<h4>How to verify it</h4>
${verification(event)}
<h4>Example payload</h4>
${examples(event)}
<p class="links">
<a href="${escapeHtml(event.links.openapi)}">OpenAPI reference</a>
<a href="${escapeHtml(event.links.asyncapi)}">AsyncAPI reference</a>
<span class="muted">Payload schema <code>${escapeHtml(event.schemaTitle)}</code> · operationId <code>${escapeHtml(event.operationId)}</code></span>
</p>
</article>`;
}

function referenceCard(provider: ProviderCatalog): string {
  return `<div class="reference">
<h2>${escapeHtml(provider.title)}</h2>
<p>${renderInline(provider.summary)}</p>
<a href="${escapeHtml(openApiPagePath(provider.provider))}">OpenAPI reference</a>
<a href="${escapeHtml(asyncApiPagePath(provider.provider))}">AsyncAPI reference</a>
<a href="${escapeHtml(openApiBundlePath(provider.provider))}" download>openapi.json</a>
<a href="${escapeHtml(asyncApiBundlePath(provider.provider))}" download>asyncapi.json</a>
</div>`;
}

export function renderCatalogPage(catalog: readonly ProviderCatalog[]): string {
  const total = catalog.reduce((n, p) => n + p.events.length, 0);
  const channels = [...new Set(catalog.flatMap((p) => p.events.map((e) => e.channel)))];
  const csp = contentSecurityPolicy({ scripts: [catalogFilterScript] });
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${cspMetaTag(csp)}
${faviconTag}
<title>Webhook event catalog · meeting-webhooks</title>
<style>${styles}</style>
</head>
<body>
<div class="page">
<h1>Webhook event catalog</h1>
<p class="lead">Every event that ${catalog.map((p) => escapeHtml(p.title)).join(" and ")} send${catalog.length === 1 ? "s" : ""} to your endpoint: ${total} events, read from the contracts in <code>specs/</code>.</p>
<div class="references">${catalog.map(referenceCard).join("\n")}</div>
<p>Will your endpoint handle them? <a href="${conformancePagePath}">Conformance scenarios</a>: what <code>meeting-webhooks conformance</code> sends and checks, and why.</p>
<form id="filters" role="search" hidden>
<label>Provider <select id="filter-provider"><option value="">All providers</option>${catalog
    .map((p) => `<option value="${escapeHtml(p.provider)}">${escapeHtml(p.title)}</option>`)
    .join("")}</select></label>
<label>Channel <select id="filter-channel"><option value="">All channels</option>${channels
    .map((c) => `<option value="${escapeHtml(c)}">${escapeHtml(channelLabels[c])}</option>`)
    .join("")}</select></label>
<label>Event <input id="filter-text" type="search" placeholder="bot.completed, failed, svix-id…" autocomplete="off"></label>
<output id="filter-count">Showing ${total} of ${total} events</output>
</form>
<main>
${catalog
  .map(
    (p) => `<section class="provider" data-provider="${escapeHtml(p.provider)}">
<h2>${escapeHtml(p.title)}</h2>
${p.events.map(eventArticle).join("\n")}
</section>`,
  )
  .join("\n")}
<p id="no-match" hidden>No event matches these filters.</p>
</main>
<footer>Generated by <code>npm run docs</code> from the OpenAPI and AsyncAPI contracts in <code>specs/</code>. Nothing on this site is loaded from anywhere else.</footer>
</div>
<script>${catalogFilterScript}</script>
</body>
</html>
`;
}
