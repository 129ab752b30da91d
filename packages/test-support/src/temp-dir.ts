// Temporary folders that tests always remove, also when they fail: the one way every package makes them, so that
// `npm test` leaves nothing in the system temp directory (`.ci/run` checks it).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { onTestFinished } from "vitest";

export interface TempDir {
  /** The folder's absolute path. */
  readonly path: string;
  /** Removes the folder and everything in it; safe to call twice. */
  remove(): void;
}

/** A fresh folder in the system temp directory (`TMPDIR`), named `<prefix>XXXXXX`. The caller removes it. */
export function makeTempDir(prefix: string): TempDir {
  const path = mkdtempSync(join(tmpdir(), prefix));
  const remove = () => rmSync(path, { recursive: true, force: true, maxRetries: 3 });
  return { path, remove };
}

/** Runs `use` with a fresh folder and removes the folder when `use` settles, whether it returned or threw. */
export async function withTempDir<T>(prefix: string, use: (dir: string) => T | Promise<T>): Promise<T> {
  const dir = makeTempDir(prefix);
  try {
    return await use(dir.path);
  } finally {
    dir.remove();
  }
}

/**
 * Inside a vitest test: a fresh folder that is removed when the test finishes, passed or failed. For a folder
 * shared by a file's tests, use {@link makeTempDir} in `beforeAll` and `remove()` in `afterAll`.
 */
export function tempDirForTest(prefix: string): string {
  const dir = makeTempDir(prefix);
  onTestFinished(() => dir.remove());
  return dir.path;
}
