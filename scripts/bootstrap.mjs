#!/usr/bin/env node
// The two commands: `npm start` and `npm test` at the repository root run this.
// It needs only Node 20+ and npm: it bootstraps the pinned pnpm, installs, builds, then either
// starts the collector or runs every test (unit, integration, real-browser) and prints a closing
// `N passed, N failed` line.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const mode = process.argv[2];
const pnpmVersion = JSON.parse(
  readFileSync(join(root, 'package.json'), 'utf8'),
).packageManager.split('@')[1];

const env = { ...process.env };
// node-gyp builds better-sqlite3 against the installed Node headers instead of downloading them.
if (!env.npm_config_nodedir && existsSync('/usr/include/node/node.h'))
  env.npm_config_nodedir = '/usr';

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env, ...opts });
  if (r.error) throw r.error;
  return r.status ?? 1;
}

function must(cmd, args, what) {
  const status = run(cmd, args);
  if (status !== 0) {
    console.error(`\nsightline: ${what} failed (exit ${status})`);
    process.exit(status);
  }
}

function pnpm(args, what) {
  must('npx', ['--yes', `pnpm@${pnpmVersion}`, ...args], what);
}

function log(msg) {
  console.log(`\n\x1b[1msightline:\x1b[0m ${msg}`);
}

const [major] = process.versions.node.split('.').map(Number);
if (major < 20) {
  console.error(
    `sightline: Node ${process.versions.node} is too old; Node 20 or newer is required.`,
  );
  process.exit(1);
}

log(`installing packages with pnpm ${pnpmVersion}`);
pnpm(['install', '--frozen-lockfile', '--reporter=append-only'], 'pnpm install');
log('building the tracker bundles');
pnpm(['run', 'build'], 'build');

if (mode === 'start') {
  const code = run(process.execPath, ['--import', 'tsx', 'src/index.ts'], {
    cwd: join(root, 'collector'),
  });
  process.exit(code);
} else if (mode === 'test') {
  ensureChromium();
  mkdirSync(join(root, 'test-artifacts'), { recursive: true });
  const report = join(root, 'test-artifacts', 'vitest-results.json');
  const code = run(join(root, 'node_modules', '.bin', 'vitest'), [
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${report}`,
    ...process.argv.slice(3),
  ]);
  const line = summarise(report, code);
  writeFileSync(join(root, 'test-artifacts', 'summary.txt'), `${line}\n`);
  console.log(`\n${line}`);
  process.exit(code);
} else {
  console.error('usage: node scripts/bootstrap.mjs start|test [vitest args]');
  process.exit(2);
}

/** Real-browser tests drive Debian's Chromium; install it when missing and we may. */
function ensureChromium() {
  if (env.CHROMIUM_PATH && existsSync(env.CHROMIUM_PATH)) return;
  if (existsSync('/usr/bin/chromium')) {
    env.CHROMIUM_PATH = '/usr/bin/chromium';
    return;
  }
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || spawnSync('which', ['apt-get']).status !== 0) {
    console.error(
      'sightline: Chromium is missing; install it (Debian: apt-get install chromium) or set CHROMIUM_PATH.',
    );
    process.exit(1);
  }
  log('installing Chromium for the real-browser tests (apt-get)');
  const aptEnv = { ...env, DEBIAN_FRONTEND: 'noninteractive' };
  if (
    run('apt-get', ['update', '-qq'], { env: aptEnv }) !== 0 ||
    run('apt-get', ['install', '-y', '-qq', 'chromium'], { env: aptEnv }) !== 0
  ) {
    console.error('sightline: could not install Chromium');
    process.exit(1);
  }
  env.CHROMIUM_PATH = '/usr/bin/chromium';
}

/**
 * vitest's JSON report → the plain closing line CI reads. A run that vitest failed with every test
 * passing (an unhandled error or rejection during the run) counts one failure, so the line never
 * says "0 failed" for a red run.
 */
function summarise(file, exitCode) {
  try {
    const r = JSON.parse(readFileSync(file, 'utf8'));
    const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
    // A test file that fails to load counts as a failure even though it ran no test.
    const brokenFiles = (r.testResults ?? []).filter(
      (f) => f.status === 'failed' && (f.assertionResults ?? []).length === 0,
    ).length;
    const failed = r.numFailedTests + brokenFiles;
    return (
      `${r.numPassedTests} passed, ${failed || (exitCode === 0 ? 0 : 1)} failed` +
      (skipped ? `, ${skipped} skipped` : '')
    );
  } catch {
    return '0 passed, 1 failed';
  }
}
