// The docs site (`npm run docs`) at /docs, when built. @fastify/static refuses `..`, non-canonical and NUL-byte
// paths; `insideDocs` also refuses symlinks that lead out of the folder, which send would follow.
import { existsSync, realpathSync, statSync } from "node:fs";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import fastifyStatic from "@fastify/static";
import { problemOf } from "@meeting-webhooks/receive";
import type { FastifyPluginAsync } from "fastify";
import { send } from "./read-api.js";

export interface DocsOptions {
  docsDir: string;
  log: (message: string) => void;
}

/** Whether the docs site is built in `docsDir`. */
export const docsBuilt = (docsDir: string) => existsSync(join(resolve(docsDir), "index.html"));

export const docsPlugin: FastifyPluginAsync<DocsOptions> = async (app, { docsDir, log }) => {
  const docsRoot = resolve(docsDir);
  app.get("/docs", async (_request, reply) => reply.redirect("/docs/"));
  await app.register(
    async (docs) => {
      docs.setNotFoundHandler((request, reply) =>
        send(
          reply,
          problemOf(
            404,
            "not_found",
            docsBuilt(docsRoot)
              ? `No docs page ${request.url}`
              : "The docs site is not built: run `npm run docs`.",
          ),
        ),
      );
      docs.setErrorHandler((error: { statusCode?: number; message: string }, request, reply) => {
        if (error.statusCode === 400 || error.statusCode === 403) {
          const code = error.statusCode === 403 ? "forbidden" : "bad_request";
          return send(
            reply,
            problemOf(error.statusCode, code, `${request.url} is not a path inside the docs site.`),
          );
        }
        log(`internal error serving docs: ${error.message}`);
        return send(reply, problemOf(500, "internal_error", "Serving the docs page failed. Retry."));
      });
      await docs.register(fastifyStatic, {
        root: docsRoot,
        prefix: "/",
        redirect: true,
        decorateReply: false,
        // The site may be built after the receiver starts: the 404 handler says how to build it.
        suppressWarning: true,
        allowedPath: (pathname) => insideDocs(docsRoot, pathname),
      });
    },
    { prefix: "/docs" },
  );
};

/**
 * Whether a docs request path, once symlinks are resolved, names a file inside the docs folder (a directory stands
 * for its index.html). Missing files answer false, which is a 404 either way.
 */
export function insideDocs(docsRoot: string, pathname: string): boolean {
  try {
    const root = realpathSync(docsRoot);
    let target = realpathSync(join(root, pathname));
    if (statSync(target).isDirectory()) target = realpathSync(join(target, "index.html"));
    const rest = relative(root, target);
    return rest !== "" && rest !== ".." && !rest.startsWith(`..${sep}`) && !isAbsolute(rest);
  } catch {
    return false;
  }
}
