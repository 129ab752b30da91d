import { describe, expect, it } from "vitest";
import { renderInline, renderMarkdown } from "../src/markdown.js";

describe("renderInline", () => {
  it("turns code spans, bold and links into HTML", () => {
    expect(renderInline("**Retries.** `x-mb-secret` [docs](https://example.com/a?b=1&c=2)")).toBe(
      '<strong>Retries.</strong> <code>x-mb-secret</code> <a href="https://example.com/a?b=1&amp;c=2">docs</a>',
    );
  });

  it("escapes HTML everywhere, including inside code spans", () => {
    expect(renderInline("<b>hi</b> `<script>`")).toBe("&lt;b&gt;hi&lt;/b&gt; <code>&lt;script&gt;</code>");
  });

  it("leaves formatting inside code spans alone", () => {
    expect(renderInline("`**not bold**`")).toBe("<code>**not bold**</code>");
  });

  it("refuses javascript: links", () => {
    expect(renderInline("[x](javascript:alert(1))")).not.toContain("<a");
  });
});

describe("renderMarkdown", () => {
  it("joins the lines of a paragraph and separates paragraphs on blank lines", () => {
    expect(renderMarkdown("Fires when\nit fires.\n\nSecond.")).toBe(
      "<p>Fires when it fires.</p>\n<p>Second.</p>",
    );
  });

  it("renders lists, with continuation lines", () => {
    expect(renderMarkdown("- one\n  more\n- two")).toBe("<ul><li>one more</li><li>two</li></ul>");
  });

  it("renders fenced code blocks literally", () => {
    expect(renderMarkdown('Body:\n```json\n{"a": "<b>"}\n```')).toBe(
      "<p>Body:</p>\n<pre><code>{&quot;a&quot;: &quot;&lt;b&gt;&quot;}</code></pre>",
    );
  });
});
