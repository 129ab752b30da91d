// `npm run preview -w @meeting-webhooks/docs`: serves the built site on a loopback port to look at by hand;
// `BASE_PATH=/meeting-webhooks/` serves it under a sub-path, as GitHub Pages does.
import { docsSiteDir } from "../site.js";
import { serveStatic } from "../src/static-server.js";

const server = await serveStatic(docsSiteDir, {
  port: Number(process.env.PORT ?? 4173),
  basePath: process.env.BASE_PATH ?? "/",
  onNotFound: (path) => console.warn(`404 ${path}`),
});
console.log(`Docs at ${server.url("index.html")} (from ${docsSiteDir}); Ctrl+C to stop.`);
