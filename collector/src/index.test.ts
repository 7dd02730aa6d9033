/**
 * The composition root, run as users run it (`tsx src/index.ts`) in a child process: first start
 * prints the key, a second start does not, signals close cleanly, PostgreSQL URLs fail clearly.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const collectorDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = mkdtempSync(join(tmpdir(), 'sightline-start-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Started {
  output: () => string;
  url: string;
  stop: (signal: NodeJS.Signals) => Promise<number | null>;
}

function start(env: Record<string, string>): Promise<Started> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/index.ts'], {
    cwd: collectorDir,
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', ...env },
  });
  let out = '';
  const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner:\n${out}`)), 20_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m?.[1] && /API docs/.test(out)) {
        clearTimeout(timer);
        setTimeout(
          () =>
            resolve({
              output: () => out,
              url: m[1] as string,
              stop: (signal) => {
                child.kill(signal);
                return exited;
              },
            }),
          100,
        );
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`exited ${code}:\n${out}`));
    });
  });
}

describe('src/index.ts', () => {
  it('first start prints the key and a curl line; the key works; later starts keep it secret', async () => {
    const databaseUrl = `file:${join(dir, 'a.db')}`;
    const first = await start({ DATABASE_URL: databaseUrl });
    const key = /Bearer (sl_[A-Za-z0-9_-]{43})" http:\/\/127\.0\.0\.1:\d+\/stats/.exec(
      first.output(),
    )?.[1];
    expect(key, first.output()).toBeDefined();
    expect(first.output()).toMatch(/data-website-id="[0-9a-f-]{36}"/);
    const health = await fetch(`${first.url}/health`);
    expect(await health.json()).toMatchObject({ status: 'ok', db: 'ok' });
    const stats = await fetch(`${first.url}/stats`, {
      headers: { Authorization: `Bearer ${key}` },
    });
    expect(stats.status).toBe(200);
    // the first admin account, with a generated password shown once
    expect(first.output()).toContain('admin login: admin@localhost');
    const password = /admin password \(shown only now; change it\): (\S+)/.exec(
      first.output(),
    )?.[1];
    expect(password, first.output()).toBeDefined();
    const login = await fetch(`${first.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: 'admin@localhost', password }),
    });
    expect(login.status).toBe(200);
    // one JSON log line per request, with its id, never the credentials
    await new Promise((r) => setTimeout(r, 100));
    const logLine = first
      .output()
      .split('\n')
      .find((l) => l.includes('"path":"/api/auth/login"'));
    expect(JSON.parse(logLine!)).toMatchObject({ msg: 'request', status: 200 });
    expect(logLine).not.toContain(password!);
    expect(await first.stop('SIGTERM')).toBe(0);

    const second = await start({
      DATABASE_URL: databaseUrl,
      SIGHTLINE_ADMIN_EMAIL: 'late@example.com',
    });
    expect(second.output()).toContain('SIGHTLINE_ADMIN_EMAIL/PASSWORD are ignored: users exist');
    expect(second.output()).not.toContain(key);
    expect(second.output()).not.toContain(password!);
    expect(second.output()).toContain('API key(s) exist');
    expect(await second.stop('SIGINT')).toBe(0);
  }, 60_000);

  it('honours SIGHTLINE_ADMIN_KEY on a fresh database', async () => {
    const adminKey = 'sl_given_by_automation_0123456789';
    const s = await start({
      DATABASE_URL: `file:${join(dir, 'b.db')}`,
      SIGHTLINE_ADMIN_KEY: adminKey,
    });
    expect(s.output()).toContain(adminKey);
    const res = await fetch(`${s.url}/api/websites`, {
      headers: { Authorization: `Bearer ${adminKey}` },
    });
    expect(res.status).toBe(200);
    await s.stop('SIGTERM');
  }, 60_000);

  it('creates the first admin from SIGHTLINE_ADMIN_EMAIL / SIGHTLINE_ADMIN_PASSWORD without printing it', async () => {
    const password = 'given admin password 42';
    const s = await start({
      DATABASE_URL: `file:${join(dir, 'c.db')}`,
      SIGHTLINE_ADMIN_EMAIL: 'Owner@Example.com',
      SIGHTLINE_ADMIN_PASSWORD: password,
    });
    expect(s.output()).toContain('admin login: owner@example.com');
    expect(s.output()).not.toContain(password);
    const login = await fetch(`${s.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: 'owner@example.com', password }),
    });
    expect(login.status).toBe(200);
    expect(((await login.json()) as { user: { role: string } }).user.role).toBe('admin');
    await s.stop('SIGTERM');
  }, 60_000);

  it('refuses postgres:// with a clear message and exit code 1', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/index.ts'], {
      cwd: collectorDir,
      env: { PATH: process.env.PATH ?? '', PORT: '0', DATABASE_URL: 'postgres://u:p@localhost/db' },
    });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((res) => child.on('exit', res));
    expect(code).toBe(1);
    expect(err).toContain('PostgreSQL adapter not available yet');
  }, 30_000);
});
