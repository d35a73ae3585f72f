import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Each test file starts its own redis-server processes; two cores are shared with them.
    fileParallelism: true,
    maxWorkers: 2,
  },
});
