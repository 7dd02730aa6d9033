import { defineConfig } from 'vitest/config';

/** Tracker unit tests: beside the source, in happy-dom, with injected fakes (see src/test-env.ts). */
export default defineConfig({
  test: {
    name: 'sdk',
    environment: 'happy-dom',
    // script.ts injects <script src=extras.js>: happy-dom loads no files, and should say so quietly
    environmentOptions: { happyDOM: { settings: { handleDisabledFileLoadingAsSuccess: true } } },
    include: ['src/**/*.test.ts'],
  },
});
