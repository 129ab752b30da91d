// A tiny static file server for the built site, on a loopback port: what the browser test loads the pages from,
// and `npm run preview -w @meeting-webhooks/docs` for a look by hand. Not meant for production hosting. It can serve
// the site under a sub-path, as GitHub Pages serves a project's site under `/<repo>/`, and then answers nothing
// outside it, so that a link to the host's root shows up as a 404.
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize, sep } from "node:path";

const contentTypes: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
};

export interface StaticServer {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** `http://127.0.0.1:<port><basePath>`: where the site's root is served. */
  base: string;
  /** The URL of a path of the site, under the base path. */
  url(path: string): string;
  close(): Promise<void>;
}

/** The file a request path maps to, or undefined when it would leave the root. */
export function fileForPath(root: string, urlPath: string): string | undefined {
  let path: string;
  try {
    path = decodeURIComponent(urlPath.split(/[?#]/)[0] ?? "/");
  } catch {
    return undefined;
  }
  if (path.endsWith("/")) path += "index.html";
  const file = normalize(join(root, path));
  return file === root || file.startsWith(root.endsWith(sep) ? root : root + sep) ? file : undefined;
}

export interface ServeOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Where the site's root is served, `/` (the default) or a prefix such as `/meeting-webhooks/`. */
  basePath?: string;
  /** Called for every request that is not answered with a file, e.g. to fail a test on a broken link. */
  onNotFound?: (path: string) => void;
}

/** `meeting-webhooks` → `/meeting-webhooks/`; `/` stays `/`. */
export function normaliseBasePath(basePath: string): string {
  const trimmed = basePath.replace(/^\/+|\/+$/g, "");
  return trimmed === "" ? "/" : `/${trimmed}/`;
}

export async function serveStatic(
  root: string,
  { port = 0, basePath = "/", onNotFound }: ServeOptions = {},
): Promise<StaticServer> {
  const base = normaliseBasePath(basePath);
  const server: Server = createServer(async (request, response) => {
    const url = request.url ?? "/";
    // GitHub Pages answers `/<repo>` with a redirect to `/<repo>/`, under which the site's relative links resolve.
    if (base !== "/" && url.split(/[?#]/)[0] === base.slice(0, -1)) {
      response.writeHead(301, { location: base }).end();
      return;
    }
    if (!url.startsWith(base)) {
      onNotFound?.(url);
      response.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("Not found\n");
      return;
    }
    const file = fileForPath(root, url.slice(base.length - 1));
    const info = file ? await stat(file).catch(() => undefined) : undefined;
    if (!file || !info?.isFile() || (request.method !== "GET" && request.method !== "HEAD")) {
      onNotFound?.(url);
      response
        .writeHead(file ? 404 : 400, { "content-type": "text/plain; charset=utf-8" })
        .end("Not found\n");
      return;
    }
    response.writeHead(200, {
      "content-type": contentTypes[extname(file)] ?? "application/octet-stream",
      "content-length": info.size,
    });
    if (request.method === "HEAD") response.end();
    else createReadStream(file).pipe(response);
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    base: `${origin}${base}`,
    url: (path) => `${origin}${base}${path.replace(/^\//, "")}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
