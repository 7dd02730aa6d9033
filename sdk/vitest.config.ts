import { defineConfig } from 'vitest/config';

/** Tracker unit tests: beside the source, in happy-dom, with injected fakes (see src/test-env.ts). */
export default defineConfig({
  test: {
    name: 'sdk',
    environment: 'happy-dom',
    include: ['src/**/*.test.ts'],
  },
});
