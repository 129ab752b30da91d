// The little Markdown the specs' descriptions use (paragraphs, `- ` lists, fenced code, `code`, **bold** and
// links), rendered to HTML for the catalog. Everything else is shown as text, escaped: descriptions are data.
import { escapeHtml } from "./html.js";

function safeHref(href: string): string | undefined {
  return /^(https?:\/\/|#|\.{0,2}\/)/.test(href) ? href : undefined;
}

function formatText(text: string): string {
  return escapeHtml(text)
    .replace(/\*\*([^*]+)\*\*/g, "<strong>$1</strong>")
    .replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (whole, label: string, href: string) => {
      // Escaped already: `&amp;` in a URL stays `&amp;` in the attribute, which is correct HTML.
      const safe = safeHref(href);
      return safe ? `<a href="${safe}">${label}</a>` : whole;
    });
}

/** Inline Markdown: code spans are literal, the text between them gets bold and links. */
export function renderInline(text: string): string {
  return text
    .split(/(`[^`]+`)/)
    .map((part) =>
      part.startsWith("`") && part.endsWith("`") && part.length > 1
        ? `<code>${escapeHtml(part.slice(1, -1))}</code>`
        : formatText(part),
    )
    .join("");
}

export function renderMarkdown(markdown: string): string {
  const lines = markdown.replace(/\r\n/g, "\n").split("\n");
  const html: string[] = [];
  let paragraph: string[] = [];
  let list: string[] = [];
  const flush = () => {
    if (paragraph.length > 0) html.push(`<p>${renderInline(paragraph.join(" "))}</p>`);
    if (list.length > 0)
      html.push(`<ul>${list.map((item) => `<li>${renderInline(item)}</li>`).join("")}</ul>`);
    paragraph = [];
    list = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    const fence = /^\s*```/.exec(line);
    if (fence) {
      flush();
      const code: string[] = [];
      for (i++; i < lines.length && !/^\s*```/.test(lines[i] ?? ""); i++) code.push(lines[i] ?? "");
      html.push(`<pre><code>${escapeHtml(code.join("\n"))}</code></pre>`);
      continue;
    }
    const item = /^\s*[-*] +(.*)$/.exec(line);
    if (item) {
      if (paragraph.length > 0) flush();
      list.push(item[1] ?? "");
    } else if (line.trim() === "") {
      flush();
    } else if (list.length > 0 && /^\s+/.test(line)) {
      list[list.length - 1] += ` ${line.trim()}`;
    } else {
      if (list.length > 0) flush();
      paragraph.push(line.trim());
    }
  }
  flush();
  return html.join("\n");
}
