// Finding a Chromium for the browser tests, and launching it so that it leaves no profile or temp file behind.
// playwright-core downloads no browser: the tests drive the system's Chromium.
import { accessSync, constants, statSync } from "node:fs";
import { join } from "node:path";
import { type BrowserContext, chromium } from "playwright-core";
import { requireOrSkip } from "./requirement.js";
import { makeTempDir } from "./temp-dir.js";

/** Where Debian, Ubuntu and their snaps install Chromium (or Chrome), in the order they are tried. */
export const defaultChromiumPaths: readonly string[] = [
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
  "/snap/bin/chromium",
  "/usr/bin/google-chrome-stable",
  "/usr/bin/google-chrome",
];

export interface FindChromiumOptions {
  env?: NodeJS.ProcessEnv;
  /** The paths tried when `CHROMIUM_PATH` is not set; tests inject their own. */
  candidates?: readonly string[];
  isExecutable?: (path: string) => boolean;
}

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * The Chromium to drive: `CHROMIUM_PATH` when it is set (and none when it points nowhere, so that setting it to a
 * missing path hides the browser), else the first of the usual paths that is an executable file.
 */
export function findChromium({
  env = process.env,
  candidates = defaultChromiumPaths,
  isExecutable = isExecutableFile,
}: FindChromiumOptions = {}): string | undefined {
  const chosen = env.CHROMIUM_PATH;
  if (chosen !== undefined && chosen !== "") return isExecutable(chosen) ? chosen : undefined;
  return candidates.find(isExecutable);
}

export const enableChromium =
  "Install Debian's chromium (apt-get install --no-install-recommends chromium) or set CHROMIUM_PATH to a Chromium binary.";

/**
 * At collection time in a browser test file: the Chromium path, or undefined after printing one skip line.
 * Throws under CI when there is none.
 */
export function chromiumOrSkip(tests: string, options: FindChromiumOptions = {}): string | undefined {
  return requireOrSkip(
    { tests, needs: "Chromium", found: findChromium(options), howToEnable: enableChromium },
    options.env,
  );
}

/** Flags for a quiet, offline headless Chromium in a container. */
export const chromiumArgs: readonly string[] = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export interface LaunchedChromium {
  context: BrowserContext;
  /** Closes the browser, then removes its profile and temp files. */
  close(): Promise<void>;
}

/**
 * Launches headless Chromium with a profile (user-data-dir) in a temporary folder, removed by `close()`, or at once
 * when the launch fails. (Chromium's own singleton socket folder in `TMPDIR` goes away when it closes; giving it a
 * deeper `TMPDIR` of its own breaks the 108-byte limit of a socket path.)
 */
export async function launchChromium(
  executablePath: string,
  { viewport }: { viewport?: { width: number; height: number } } = {},
): Promise<LaunchedChromium> {
  const dir = makeTempDir("meeting-webhooks-chromium-");
  try {
    const context = await chromium.launchPersistentContext(join(dir.path, "profile"), {
      executablePath,
      args: [...chromiumArgs],
      ...(viewport ? { viewport } : {}),
    });
    return {
      context,
      close: async () => {
        try {
          await context.close();
        } finally {
          dir.remove();
        }
      },
    };
  } catch (error) {
    dir.remove();
    throw error;
  }
}
