#!/usr/bin/env node
// Size budget of the built tracker (CI runs it through sdk/e2e/size.e2e.test.ts after the build).
// Gzips each bundle at zlib level 9, prints one line per bundle and exits 1 when one is over budget.
// Usage: node scripts/size-check.mjs [distDir]   (default: sdk/dist)
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const dist = process.argv[2] ?? fileURLToPath(new URL('../sdk/dist', import.meta.url));

/** budget: hard limit; goal: what we aim for (reported, not enforced); optional: skipped when absent */
const bundles = [
  { file: 'script.js', budget: 2560, goal: 2048 },
  { file: 'recorder.js', budget: 24576, optional: true },
];

let failed = false;
for (const { file, budget, goal, optional } of bundles) {
  const path = join(dist, file);
  if (!existsSync(path)) {
    if (optional) continue;
    console.log(`${file}: missing (build first: npm run build)`);
    failed = true;
    continue;
  }
  const size = gzipSync(readFileSync(path), { level: 9 }).length;
  const over = size > budget;
  failed ||= over;
  const limits = goal ? `budget ${budget}, goal ${goal}` : `budget ${budget}`;
  const verdict = over
    ? `OVER by ${size - budget}`
    : goal && size > goal
      ? 'ok (above goal)'
      : 'ok';
  console.log(`${file}: ${size} bytes gzip (${limits}) ${verdict}`);
}
process.exit(failed ? 1 : 0);
