import { defineConfig } from 'vitest/config';

/** `npm test` runs every project: tracker units, collector, and real-browser end-to-end tests. */
export default defineConfig({
  test: {
    projects: ['sdk', 'collector', 'sdk/e2e'],
  },
});
