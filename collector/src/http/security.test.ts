import { describe, expect, it } from 'vitest';
import { createApp } from '../app.js';
import { openDatabase } from '../db/client.js';
import { websites } from '../db/schema.js';
import { addKey, T0 } from '../queries/test-fixtures.js';
import type { LogEntry } from './request-log.js';
import { API_CSP, PAGE_CSP } from './security-headers.js';

function app(opts: { trustProxy?: boolean; logIngest?: boolean } = {}) {
  const database = openDatabase(':memory:');
  database.db
    .insert(websites)
    .values({ id: 'w1', name: 'w1', domain: 'w1.example.com', createdAt: T0 })
    .run();
  const lines: LogEntry[] = [];
  let n = 0;
  const a = createApp({
    database,
    now: () => T0,
    randomId: () => `id-${++n}`,
    log: (e) => lines.push(e),
    ...opts,
  });
  return { app: a, db: database.db, lines };
}

describe('security headers', () => {
  it('every answer: nosniff, no framing, a default-deny CSP; no HSTS over plain http', async () => {
    const { app: a } = app();
    for (const path of ['/health', '/stats', '/nope']) {
      const res = await a.request(path);
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('x-frame-options'), path).toBe('DENY');
      expect(res.headers.get('content-security-policy'), path).toBe(API_CSP);
      expect(res.headers.get('referrer-policy'), path).toBe('strict-origin-when-cross-origin');
      expect(res.headers.get('strict-transport-security'), path).toBeNull();
    }
    const ingest = await a.request('/collect', {
      method: 'POST',
      body: JSON.stringify({ type: 'pageview', websiteId: 'w1', href: 'https://w1.example.com/' }),
    });
    expect(ingest.status).toBe(202);
    expect(ingest.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('HSTS behind TLS: directly, or through a trusted proxy that says so', async () => {
    expect(
      (await app().app.request('https://stats.example.com/health')).headers.get(
        'strict-transport-security',
      ),
    ).toMatch(/^max-age=31536000/);
    const proxied = { headers: { 'X-Forwarded-Proto': 'https' } };
    expect(
      (await app().app.request('/health', proxied)).headers.get('strict-transport-security'),
    ).toBeNull();
    expect(
      (await app({ trustProxy: true }).app.request('/health', proxied)).headers.get(
        'strict-transport-security',
      ),
    ).toMatch(/^max-age/);
  });

  it('HTML pages carry their own CSP (scripts only from the collector)', async () => {
    const res = await app().app.request('/docs');
    expect(res.headers.get('content-security-policy')).toBe(PAGE_CSP);
    expect(PAGE_CSP).toContain("script-src 'self'");
    expect(PAGE_CSP).toContain("frame-ancestors 'none'");
  });
});

describe('request log', () => {
  it('one JSON entry per request with a request id, path without query, status and principal; never a secret', async () => {
    const t = app();
    const key = addKey(t.db, { scopes: ['read'] });
    const res = await t.app.request(`/stats?websiteId=w1&token=${key}`, {
      headers: { Authorization: `Bearer ${key}`, 'X-Request-Id': 'trace-123' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('trace-123');
    expect(t.lines).toHaveLength(1);
    expect(t.lines[0]).toMatchObject({
      level: 'info',
      msg: 'request',
      requestId: 'trace-123',
      method: 'GET',
      path: '/stats',
      status: 200,
      principal: expect.stringMatching(/^key:key-\d+$/),
    });
    expect(typeof t.lines[0]!.ms).toBe('number');
    // an unusable incoming id is replaced
    const odd = await t.app.request('/health', { headers: { 'X-Request-Id': 'a b <script>' } });
    expect(odd.headers.get('x-request-id')).toMatch(/^id-\d+$/);
    // a login: the password never reaches the log
    await t.app.request('/api/auth/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: 'a@example.com', password: 'hunter2-secret-pw' }),
    });
    const all = JSON.stringify(t.lines);
    expect(all).not.toContain(key);
    expect(all).not.toContain(key.slice(3, 20));
    expect(all).not.toContain('hunter2');
    expect(t.lines.at(-1)).toMatchObject({ path: '/api/auth/login', status: 401 });
  });

  it('ingest requests are left out unless asked for', async () => {
    const body = JSON.stringify({
      type: 'pageview',
      websiteId: 'w1',
      href: 'https://w1.example.com/',
    });
    const quiet = app();
    await quiet.app.request('/collect', { method: 'POST', body });
    expect(quiet.lines).toHaveLength(0);
    const loud = app({ logIngest: true });
    await loud.app.request('/collect', { method: 'POST', body });
    expect(loud.lines).toMatchObject([{ path: '/collect', status: 202 }]);
  });
});
