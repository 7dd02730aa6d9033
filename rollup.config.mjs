// Builds the tracker: `sdk/dist/script.js` (IIFE for the script tag, size-budgeted) and
// `sdk/dist/npm/` (ESM + types for SPAs; the recorder is a separate chunk loaded by import()).
import resolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';

const sdk = (p) => new URL(`./sdk/${p}`, import.meta.url).pathname;

const ts = (extra = {}) =>
  typescript({
    tsconfig: sdk('tsconfig.json'),
    include: [sdk('src/**/*.ts')],
    exclude: [sdk('src/**/*.test.ts')],
    noEmit: false,
    ...extra,
  });

// No property mangling: every property the tracker touches is a wire field, a public API name,
// a config key read by name, a DOM name or the seam to the lazily loaded bundles: the core object
// handed to extras.js and recorder.js, which are built separately, and `window.__sightlineBundles`
// (a `/^_/` regex once renamed the old `__sightlineRecorder`, breaking the recorder hand-off).
// Measured: mangling the few internal names saved < 10 bytes gzip.
const minify = terser({
  ecma: 2020,
  module: true,
  compress: {
    passes: 3,
    unsafe: true,
    unsafe_arrows: true,
    unsafe_methods: true,
    pure_getters: true,
  },
  format: { comments: false },
});

export default [
  {
    input: sdk('src/script.ts'),
    // strict: false drops the "use strict" prologue; the sources are ES modules and strict anyway
    output: { file: sdk('dist/script.js'), format: 'iife', sourcemap: false, strict: false },
    plugins: [resolve(), ts(), minify],
  },
  {
    input: { index: sdk('src/index.ts') },
    output: { dir: sdk('dist/npm'), format: 'es', sourcemap: true, chunkFileNames: '[name].js' },
    plugins: [
      resolve(),
      ts({ declaration: true, declarationDir: sdk('dist/npm'), outDir: sdk('dist/npm') }),
    ],
  },
  // extras.js: the batch queue for /api/events (with its beacon on page hide), the scroll spans,
  // the autocapture (clicks, outbound), rage clicks, dead clicks and JS errors as their own IIFE,
  // injected (async) by script.js when it starts wherever tracking is on; it sets
  // window.__sightlineBundles.extras. (The npm build gets it as the chunk
  // dist/npm/extras-entry.js through index.ts's import().)
  {
    input: sdk('src/extras/extras-script.ts'),
    output: { file: sdk('dist/extras.js'), format: 'iife', sourcemap: false, strict: false },
    plugins: [resolve(), ts(), minify],
  },
  // recorder.js: @rrweb/record and the chunker as their own IIFE (budget 24 KB gzip), injected by
  // script.js only for sessions sampled in; it sets window.__sightlineBundles.recorder. rrweb gets
  // terser's safe defaults, not the tracker's unsafe compress options. (The npm build gets the
  // same recorder as its own chunk, dist/npm/recorder-entry.js, through index.ts's import().)
  {
    input: sdk('src/replay/recorder-script.ts'),
    output: { file: sdk('dist/recorder.js'), format: 'iife', sourcemap: false },
    plugins: [
      resolve(),
      ts(),
      terser({ ecma: 2020, compress: { passes: 2 }, format: { comments: false } }),
    ],
  },
];
