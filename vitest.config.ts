import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The app's tests, and the workspace packages' own: one run for CI.
    include: ['test/**/*.test.ts', 'packages/*/test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    // End-to-end files each start their own loopback server and bot process.
    fileParallelism: true,
  },
});
