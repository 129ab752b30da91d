import { writeFileSync } from "node:fs";
import { get } from "node:http";
import { join } from "node:path";
import { makeTempDir } from "@meeting-webhooks/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fileForPath, normaliseBasePath, type StaticServer, serveStatic } from "../src/static-server.js";

const rootDir = makeTempDir("meeting-webhooks-static-");
afterAll(() => rootDir.remove());
const root = rootDir.path;
writeFileSync(join(root, "index.html"), "<p>hi</p>");

describe("fileForPath", () => {
  it("maps a folder to its index.html and drops the query", () => {
    expect(fileForPath(root, "/?q=1")).toBe(join(root, "index.html"));
  });

  it("refuses paths that leave the root", () => {
    expect(fileForPath(root, "/../etc/passwd")).toBeUndefined();
    expect(fileForPath(root, "/%2e%2e/etc/passwd")).toBeUndefined();
  });
});

describe("serveStatic", () => {
  let server: StaticServer;
  const missing: string[] = [];
  beforeAll(async () => {
    server = await serveStatic(root, { onNotFound: (path) => missing.push(path) });
  });
  afterAll(async () => {
    await server.close();
  });

  it("serves files on a loopback port with their content type", async () => {
    expect(server.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await fetch(server.url("index.html"));
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(await response.text()).toBe("<p>hi</p>");
  });

  it("answers 404 for a missing file and reports it", async () => {
    expect((await fetch(server.url("nope.js"))).status).toBe(404);
    expect(missing).toEqual(["/nope.js"]);
  });
});

describe("serveStatic under a base path", () => {
  let server: StaticServer;
  const missing: string[] = [];
  beforeAll(async () => {
    server = await serveStatic(root, {
      basePath: "/meeting-webhooks/",
      onNotFound: (path) => missing.push(path),
    });
  });
  afterAll(async () => {
    await server.close();
  });

  it("serves the site's files under the prefix, the folder as its index.html", async () => {
    expect(server.base).toBe(`${server.origin}/meeting-webhooks/`);
    expect(server.url("index.html")).toBe(`${server.origin}/meeting-webhooks/index.html`);
    expect(await (await fetch(server.url("index.html"))).text()).toBe("<p>hi</p>");
    expect(await (await fetch(server.base)).text()).toBe("<p>hi</p>");
  });

  it("answers 404 outside the prefix, as another repository's site would, and reports it", async () => {
    expect((await fetch(`${server.origin}/index.html`)).status).toBe(404);
    expect(missing).toEqual(["/index.html"]);
  });

  it("redirects the prefix without its slash to it, as GitHub Pages does", async () => {
    const response = await fetch(`${server.origin}/meeting-webhooks?x=1`, { redirect: "manual" });
    expect(response.status).toBe(301);
    expect(response.headers.get("location")).toBe("/meeting-webhooks/");
  });

  it("refuses paths that climb out of the folder from under the prefix", async () => {
    // The paths as written: fetch, or get() given a URL string, resolves the dot segments before sending.
    const status = (path: string) =>
      new Promise<number | undefined>((resolve, reject) => {
        const { hostname, port } = new URL(server.origin);
        get({ hostname, port, path }, (response) => resolve(response.resume().statusCode)).on(
          "error",
          reject,
        );
      });
    expect(await status("/meeting-webhooks/../etc/passwd")).toBe(400);
    expect(await status("/meeting-webhooks/%2e%2e/etc/passwd")).toBe(400);
  });
});

describe("normaliseBasePath", () => {
  it("gives the prefix one leading and one trailing slash", () => {
    expect(normaliseBasePath("meeting-webhooks")).toBe("/meeting-webhooks/");
    expect(normaliseBasePath("//a/b//")).toBe("/a/b/");
    expect(normaliseBasePath("")).toBe("/");
    expect(normaliseBasePath("/")).toBe("/");
  });
});
