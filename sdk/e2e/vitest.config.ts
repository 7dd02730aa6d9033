import { defineConfig } from 'vitest/config';

/** Real-Chromium tests against the built `sdk/dist/script.js` and a real collector on loopback. */
export default defineConfig({
  test: {
    name: 'e2e',
    include: ['**/*.e2e.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
