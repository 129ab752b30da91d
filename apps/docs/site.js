// Where the built docs site is, for an app that serves it (the sample receiver mounts it at /docs):
//   import { docsSiteDir } from "@meeting-webhooks/docs";
// Plain JavaScript so that it works from any runtime without a build; `npm run docs` fills the folder.
import { fileURLToPath } from "node:url";

/** Absolute path of the static site `npm run docs` writes: index.html, <provider>/openapi.html, … */
export const docsSiteDir = fileURLToPath(new URL("./dist", import.meta.url));
