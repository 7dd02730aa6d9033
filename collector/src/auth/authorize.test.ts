import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { apiKeys } from '../db/schema.js';
import { addKey, addSession, addWebsite, T0, testApp } from '../queries/test-fixtures.js';
import { generateApiKey, hashApiKey } from './api-keys.js';

/** Every endpoint that needs a key, with the scope it needs. */
const endpoints: {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  scope: 'read' | 'admin';
  body?: unknown;
}[] = [
  { method: 'GET', path: '/stats', scope: 'read' },
  { method: 'GET', path: '/sessions', scope: 'read' },
  { method: 'GET', path: '/sessions/s1', scope: 'read' },
  { method: 'GET', path: '/sessions/s1/replay', scope: 'read' },
  { method: 'GET', path: '/api/websites', scope: 'read' },
  { method: 'GET', path: '/api/websites/w1', scope: 'read' },
  { method: 'GET', path: '/api/auth/me', scope: 'read' },
  { method: 'POST', path: '/api/websites', scope: 'admin', body: { name: 'x', domain: 'x.com' } },
  { method: 'PATCH', path: '/api/websites/w1', scope: 'admin', body: { name: 'renamed' } },
  { method: 'DELETE', path: '/api/websites/w2?confirm=w2', scope: 'admin' },
  { method: 'GET', path: '/api/users', scope: 'admin' },
  {
    method: 'POST',
    path: '/api/users',
    scope: 'admin',
    body: { email: 'new@example.com', role: 'viewer', password: 'long enough password' },
  },
  { method: 'GET', path: '/api/keys', scope: 'admin' },
  { method: 'POST', path: '/api/keys', scope: 'admin', body: { name: 'k', scopes: ['read'] } },
];

function setup() {
  const t = testApp();
  addWebsite(t.db, 'w1');
  addWebsite(t.db, 'w2');
  addSession(t.db, { websiteId: 'w1', id: 's1', startedAt: T0 });
  const call = (e: (typeof endpoints)[number], headers: Record<string, string>) =>
    t.app.request(e.path, {
      method: e.method,
      headers: { ...headers, 'Content-Type': 'application/json' },
      ...(e.body === undefined ? {} : { body: JSON.stringify(e.body) }),
    });
  return { ...t, call };
}

describe('API keys', () => {
  it('are sl_ + 43 base64url characters and stored only as sha256', () => {
    const key = generateApiKey();
    expect(key).toMatch(/^sl_[A-Za-z0-9_-]{43}$/);
    expect(generateApiKey()).not.toBe(key);
    const t = testApp();
    const stored = addKey(t.db);
    const row = t.db
      .select()
      .from(apiKeys)
      .where(eq(apiKeys.hash, hashApiKey(stored)))
      .get();
    expect(row?.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(stored.slice(12));
    expect(row?.prefix).toBe(stored.slice(0, 10));
  });
});

describe.each(endpoints)('$method $path', (e) => {
  it('401 without a key, with the Bearer challenge', async () => {
    const t = setup();
    const res = await t.call(e, {});
    expect(res.status).toBe(401);
    expect(res.headers.get('WWW-Authenticate')).toMatch(/^Bearer/);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
  });

  it('401 for a malformed header, an unknown, an expired and a revoked key', async () => {
    const t = setup();
    const expired = addKey(t.db, { scopes: ['admin'], expiresAt: T0 - 1 });
    const revoked = addKey(t.db, { scopes: ['admin'], revokedAt: T0 - 1 });
    for (const auth of [
      'Basic abc',
      `Bearer ${generateApiKey()}`,
      `Bearer ${expired}`,
      `Bearer ${revoked}`,
    ]) {
      const res = await t.call(e, { Authorization: auth });
      expect(res.status, auth).toBe(401);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('unauthorized');
    }
  });

  it('403 for a key without the scope, and no data', async () => {
    const t = setup();
    const key = addKey(t.db, { scopes: e.scope === 'read' ? ['write'] : ['read'] });
    const res = await t.call(e, { Authorization: `Bearer ${key}` });
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({
      error: { code: 'forbidden', message: expect.stringContaining(e.scope) },
    });
  });

  it('accepts a valid key with the scope', async () => {
    const t = setup();
    const key = addKey(t.db, { scopes: [e.scope] });
    const res = await t.call(e, { Authorization: `Bearer ${key}` });
    expect(res.status).toBeLessThan(300);
  });
});

describe('website-limited keys', () => {
  it('403 when asking for another website, on every read endpoint', async () => {
    const t = setup();
    addSession(t.db, { websiteId: 'w2', id: 's2', startedAt: T0 });
    const key = addKey(t.db, { scopes: ['read', 'admin'], websiteId: 'w1' });
    for (const path of [
      '/stats?websiteId=w2',
      '/sessions?websiteId=w2',
      '/sessions/s2',
      '/sessions/s1?websiteId=w2',
    ]) {
      const res = await t.get(path, key);
      expect(res.status, path).toBe(403);
      const body = (await res.json()) as Record<string, unknown>;
      expect(Object.keys(body), path).toEqual(['error']);
    }
    const create = await t.post('/api/websites', { name: 'n', domain: 'n.com' }, key);
    expect(create.status).toBe(403);
    for (const [method, path, body] of [
      ['GET', '/api/websites/w2', undefined],
      ['PATCH', '/api/websites/w2', { name: 'mine now' }],
      ['DELETE', '/api/websites/w2?confirm=w2', undefined],
      ['GET', '/api/users', undefined],
      ['GET', '/api/keys', undefined],
      ['POST', '/api/keys', { name: 'wider', scopes: ['admin'] }],
    ] as const) {
      const res = await t.app.request(path, {
        method,
        headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(Object.keys((await res.json()) as object)).toEqual(['error']);
    }
  });

  it('see only their website by default', async () => {
    const t = setup();
    addSession(t.db, { websiteId: 'w2', id: 's2', startedAt: T0 });
    const key = addKey(t.db, { websiteId: 'w1' });
    const stats = (await (await t.get('/stats', key)).json()) as {
      websiteId: string;
      total_sessions: number;
    };
    expect(stats).toMatchObject({ websiteId: 'w1', total_sessions: 1 });
    const list = (await (await t.get('/sessions', key)).json()) as { sessions: { id: string }[] };
    expect(list.sessions.map((s) => s.id)).toEqual(['s1']);
    const sites = (await (await t.get('/api/websites', key)).json()) as {
      websites: { id: string }[];
    };
    expect(sites.websites.map((w) => w.id)).toEqual(['w1']);
  });
});

describe('last_used_at', () => {
  it('is written on use, then at most once a minute', async () => {
    const t = setup();
    const key = addKey(t.db);
    const lastUsed = () =>
      t.db
        .select()
        .from(apiKeys)
        .where(eq(apiKeys.hash, hashApiKey(key)))
        .get()?.lastUsedAt;
    expect(lastUsed()).toBeNull();
    await t.get('/stats', key);
    expect(lastUsed()).toBe(T0);
    t.setNow(T0 + 59_999);
    await t.get('/stats', key);
    expect(lastUsed()).toBe(T0);
    t.setNow(T0 + 60_000);
    await t.get('/stats', key);
    expect(lastUsed()).toBe(T0 + 60_000);
  });
});
