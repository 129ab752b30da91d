// The docs site at /docs under hostile paths: nothing outside the docs folder is reachable, however the path is
// spelled, and what is inside is served as before.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildReceiver, insideDocs, type Receiver } from "../src/app.js";
import { loadConfig } from "../src/config.js";

const secret = "dist-x secret: must never be served";
let dir: string;
let docs: string;
let receiver: Receiver;

beforeAll(() => {
  // <dir>/dist is the docs site; <dir>/dist-x is a sibling whose name starts with the site's name.
  dir = mkdtempSync(join(tmpdir(), "meeting-webhooks-docs-"));
  docs = join(dir, "dist");
  mkdirSync(join(docs, "cronofy"), { recursive: true });
  mkdirSync(join(dir, "dist-x"));
  writeFileSync(join(docs, "index.html"), "<!doctype html><title>catalog</title>");
  writeFileSync(join(docs, "cronofy", "index.html"), "<!doctype html><title>cronofy</title>");
  writeFileSync(join(docs, "style.css"), "body { margin: 0 }");
  writeFileSync(join(dir, "dist-x", "secret.txt"), secret);
  mkdirSync(join(dir, "dist-x", "site"));
  writeFileSync(join(dir, "dist-x", "site", "index.html"), secret);
  symlinkSync(join(dir, "dist-x", "secret.txt"), join(docs, "leak.txt"));
  symlinkSync(join(dir, "dist-x"), join(docs, "leakdir"));
  symlinkSync(join(docs, "style.css"), join(docs, "alias.css"));
  receiver = buildReceiver(
    { ...loadConfig({ DATABASE_PATH: ":memory:" }), docsDir: docs },
    { process: false },
  );
});

afterAll(async () => {
  await receiver?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const get = (url: string) => receiver.app.inject({ method: "GET", url });

describe("the docs site", () => {
  it("redirects /docs to /docs/", async () => {
    const response = await get("/docs");
    expect(response.statusCode).toBeGreaterThanOrEqual(301);
    expect(response.statusCode).toBeLessThan(400);
    expect(response.headers.location).toBe("/docs/");
  });

  it("serves index.html for /docs/ as HTML", async () => {
    const response = await get("/docs/");
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toMatch(/^text\/html/);
    expect(response.body).toContain("catalog");
  });

  it("serves a directory's index.html for its path with a trailing slash", async () => {
    const response = await get("/docs/cronofy/");
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain("<title>cronofy</title>");
  });

  it("redirects a directory without its trailing slash to the path with one", async () => {
    const response = await get("/docs/cronofy");
    expect(response.statusCode).toBe(301);
    expect(response.headers.location).toBe("/docs/cronofy/");
  });

  it("serves a symlink whose target is inside the docs folder", async () => {
    const response = await get("/docs/alias.css");
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toMatch(/^text\/css/);
  });

  it("answers a missing page with a 404 problem", async () => {
    const response = await get("/docs/nope.html");
    expect(response.statusCode).toBe(404);
    expect(response.headers["content-type"]).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({ status: 404, code: "not_found" });
  });

  it.each([
    ["an encoded ../ into a sibling folder named like the site", "/docs/..%2Fdist-x%2Fsecret.txt"],
    ["a plain ../", "/docs/../dist-x/secret.txt"],
    ["%2e%2e segments", "/docs/%2e%2e/dist-x/secret.txt"],
    ["%2e%2e with an encoded slash", "/docs/%2e%2e%2Fdist-x%2Fsecret.txt"],
    ["a double-encoded ../", "/docs/%252e%252e%252fdist-x%252fsecret.txt"],
    ["a ../ after a real folder", "/docs/cronofy/..%2F..%2Fdist-x%2Fsecret.txt"],
    ["a backslash ..\\", "/docs/..%5Cdist-x%5Csecret.txt"],
    ["an absolute path after //", "/docs/<dir>/dist-x/secret.txt"],
    ["an encoded absolute path", "/docs/%2F<dir>%2Fdist-x%2Fsecret.txt"],
    ["a symlink to a file outside", "/docs/leak.txt"],
    ["a symlink to a folder outside", "/docs/leakdir/secret.txt"],
    ["a symlink to a folder outside with an index.html", "/docs/leakdir/site/"],
    ["a NUL byte", "/docs/index.html%00.css"],
    ["a NUL byte before a ../", "/docs/%00/..%2F..%2Fdist-x%2Fsecret.txt"],
  ])("refuses %s with a 4xx problem that does not leak the file", async (_name, url) => {
    // <dir> is the temp folder, which exists only once beforeAll has run.
    const response = await get(url.replace("<dir>", dir));
    expect(response.statusCode).toBeGreaterThanOrEqual(400);
    expect(response.statusCode).toBeLessThan(500);
    expect(response.headers["content-type"]).toMatch(/^application\/problem\+json/);
    expect(response.body).not.toContain(secret);
  });

  it("says how to build the site when it is not built", async () => {
    const missing = buildReceiver(
      { ...loadConfig({ DATABASE_PATH: ":memory:" }), docsDir: join(dir, "not-built") },
      { process: false },
    );
    try {
      const response = await missing.app.inject({ method: "GET", url: "/docs/" });
      expect(response.statusCode).toBe(404);
      expect(response.json().detail).toMatch(/npm run docs/);
    } finally {
      await missing.close();
    }
  });
});

describe("insideDocs", () => {
  it("refuses a sibling folder whose name starts with the docs folder's name", () => {
    expect(insideDocs(docs, "../dist-x/secret.txt")).toBe(false);
  });

  it("refuses the docs folder itself when it has no index.html", () => {
    expect(insideDocs(join(dir, "dist-x"), "/")).toBe(false);
  });

  it("accepts a file inside the docs folder", () => {
    expect(insideDocs(docs, "/style.css")).toBe(true);
  });
});
