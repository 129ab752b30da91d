import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeTempDir } from "@meeting-webhooks/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fileForPath, type StaticServer, serveStatic } from "../src/static-server.js";

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
