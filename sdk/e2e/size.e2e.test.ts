import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { distDir, repoRoot } from './harness.js';

/** Runs scripts/size-check.mjs; builds nothing (CI builds before testing). */
const check = (...args: string[]) =>
  spawnSync(process.execPath, [join(repoRoot, 'scripts', 'size-check.mjs'), ...args], {
    encoding: 'utf8',
  });

const gz = (s: string) => gzipSync(s, { level: 9 }).length;

/** Random printable text (it barely compresses) whose gzip is `bytes` long, give or take 3. */
function noise(bytes: number) {
  const chars = Array.from({ length: bytes * 2 }, () =>
    String.fromCharCode(33 + Math.floor(Math.random() * 90)),
  ).join('');
  let lo = 0;
  let hi = chars.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (gz(chars.slice(0, mid)) <= bytes) lo = mid;
    else hi = mid - 1;
  }
  const s = chars.slice(0, lo);
  expect(Math.abs(gz(s) - bytes)).toBeLessThanOrEqual(3);
  return s;
}

describe('bundle size budget', () => {
  it('the built script.js is within its 2560-byte budget, extras.js and recorder.js within theirs', () => {
    const r = check(distDir);
    expect(r.stdout).toMatch(/^script\.js: \d+ bytes gzip \(budget 2560, goal 2048\) ok/m);
    expect(r.stdout).toMatch(/^extras\.js: \d+ bytes gzip \(budget 1536\) ok$/m);
    expect(r.status, r.stdout + r.stderr).toBe(0);
  });

  it('fails a bundle just over its budget and passes one just under; a missing bundle fails', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sightline-size-'));
    try {
      const put = (file: string, bytes: number) => writeFileSync(join(dir, file), noise(bytes));
      put('script.js', 2555);
      put('extras.js', 1530);
      expect(check(dir).status, check(dir).stdout).toBe(0);

      // no ceiling any more: script.js just over 2560 fails CI
      put('script.js', 2566);
      const over = check(dir);
      expect(over.stdout).toMatch(/^script\.js: 256[3-9] bytes gzip .* OVER by [3-9]$/m);
      expect(over.status).toBe(1);

      put('script.js', 2555);
      put('extras.js', 1542);
      const extras = check(dir);
      expect(extras.stdout).toMatch(/^extras\.js: \d+ bytes gzip \(budget 1536\) OVER by \d+$/m);
      expect(extras.status).toBe(1);

      rmSync(join(dir, 'extras.js'));
      const missing = check(dir);
      expect(missing.stdout).toMatch(/^extras\.js: missing/m);
      expect(missing.status).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
