import { describe, expect, it } from "vitest";
import { contentSecurityPolicy, cspHash, escapeHtml, jsonForScript } from "../src/html.js";

describe("escapeHtml", () => {
  it("escapes the five HTML special characters", () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  });
});

describe("jsonForScript", () => {
  it("cannot close the script element it sits in, and parses back to the same value", () => {
    const value = { description: "</script><script>alert(1)</script>", line: "a\u2028b" };
    const text = jsonForScript(value);
    expect(text).not.toContain("</");
    expect(text).not.toContain("\u2028");
    expect(JSON.parse(text)).toEqual(value);
  });
});

describe("contentSecurityPolicy", () => {
  it("allows no other origin and no network call", () => {
    const policy = contentSecurityPolicy();
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain("connect-src 'none'");
    expect(policy).toContain("script-src 'none'");
    expect(policy).not.toMatch(/https?:|\*/);
  });

  it("allows the given inline scripts by their SHA-256", () => {
    expect(cspHash("")).toBe("'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='");
    expect(contentSecurityPolicy({ scripts: [""] })).toContain(
      "script-src 'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",
    );
  });
});
