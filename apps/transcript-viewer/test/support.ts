// Helpers of this app's tests.
import { existsSync } from "node:fs";

/**
 * Debian's Chromium (`CHROMIUM_PATH` to use another), or undefined when it is missing and CI is unset: the browser
 * test then skips with one line. Under CI=true a missing browser is a failure: CI must prove the browser path.
 */
export function chromiumPath(): string | undefined {
  const path = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  if (existsSync(path)) return path;
  const hint = "apt-get install -y --no-install-recommends chromium, or set CHROMIUM_PATH";
  if (process.env.CI === "true") throw new Error(`No Chromium at ${path} (${hint}).`);
  console.log(
    `[transcript-viewer] browser test skipped: no Chromium at ${path} (${hint}; CI=true fails instead)`,
  );
  return undefined;
}

/** Flags for a headless Chromium run as root in a container, with nothing phoning home. */
export const chromiumArgs = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
