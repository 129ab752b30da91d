// Drift check for public/mockServiceWorker.js: it must be the worker of the msw installed here, byte for byte (a
// worker from another msw version refuses to talk to the page's library). `npm run generate` rewrites it.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const installed = createRequire(import.meta.url).resolve("msw/mockServiceWorker.js");
const committed = new URL("../public/mockServiceWorker.js", import.meta.url);
if (!readFileSync(installed).equals(readFileSync(committed))) {
  console.error(
    "public/mockServiceWorker.js is not the installed msw's worker: run `npm run generate -w @meeting-webhooks/transcript-viewer` and commit it.",
  );
  process.exit(1);
}
