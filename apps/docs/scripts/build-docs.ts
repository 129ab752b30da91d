// `npm run docs` (or `npm run build -w @meeting-webhooks/docs`): builds the static docs site into dist/.
import { relative } from "node:path";
import { docsSiteDir } from "../site.js";
import { buildSite } from "../src/build-site.js";

const started = performance.now();
const { outDir, catalog, pages } = await buildSite({ outDir: docsSiteDir });
const events = catalog.reduce((n, p) => n + p.events.length, 0);
const seconds = ((performance.now() - started) / 1000).toFixed(1);
console.log(
  `Built ${pages.length} pages with ${events} events into ${relative(process.cwd(), outDir) || "."} in ${seconds} s:`,
);
for (const page of pages) console.log(`  ${page.path}  ${page.title}`);
