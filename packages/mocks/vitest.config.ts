import { defineConfig } from "vitest/config";

export default defineConfig({
  // Prism starts in 1-2 s alone; on a loaded 2-core machine its start-up (a hook) can take longer than the default 10 s.
  test: { include: ["test/**/*.test.ts"], testTimeout: 60_000, hookTimeout: 60_000 },
});
