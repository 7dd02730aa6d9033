import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { distDir, repoRoot } from './harness.js';

/** Runs scripts/size-check.mjs; builds nothing (CI builds before testing). */
const check = (dir?: string) =>
  spawnSync(
    process.execPath,
    [join(repoRoot, 'scripts', 'size-check.mjs'), ...(dir ? [dir] : [])],
    {
      encoding: 'utf8',
    },
  );

describe('bundle size budget', () => {
  it('the built script.js (and recorder.js when present) is within budget', () => {
    const r = check();
    expect(r.stdout).toMatch(/^script\.js: \d+ bytes gzip \(budget 2560, goal 2048\)/m);
    expect(r.status, r.stdout + r.stderr).toBe(0);
  });

  it('fails over budget', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sightline-size-'));
    try {
      // random bytes do not compress: 4 KB stays > 2560 bytes gzip
      const noise = Array.from({ length: 4096 }, () =>
        String.fromCharCode(33 + Math.floor(Math.random() * 90)),
      );
      writeFileSync(join(dir, 'script.js'), noise.join(''));
      const r = check(dir);
      expect(r.stdout).toMatch(/script\.js: \d+ bytes gzip .* OVER by \d+/);
      expect(r.status).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
