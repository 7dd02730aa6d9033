import { describe, expect, it } from 'vitest';
import { addKey, addSession, addWebsite, T0, testApp } from '../queries/test-fixtures.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** An app with two websites, an admin key, and helpers that call it as JSON. */
function setup(limits = {}) {
  const t = testApp({ limits });
  addWebsite(t.db, 'w1');
  addWebsite(t.db, 'w2');
  addSession(t.db, { websiteId: 'w1', id: 's1', startedAt: T0 - 1000, pageviews: 3 });
  addSession(t.db, { websiteId: 'w2', id: 's2', startedAt: T0 - 1000, pageviews: 5 });
  const adminKey = addKey(t.db, { scopes: ['admin'] });
  const call = async (
    method: string,
    path: string,
    opts: {
      body?: unknown;
      bearer?: string;
      cookie?: string;
      headers?: Record<string, string>;
    } = {},
  ) => {
    const headers: Record<string, string> = { 'Content-Type': 'application/json', ...opts.headers };
    if (opts.bearer) headers.Authorization = `Bearer ${opts.bearer}`;
    if (opts.cookie) headers.Cookie = `sl_session=${opts.cookie}`;
    const res = await t.app.request(path, {
      method,
      headers,
      ...(opts.body === undefined ? {} : { body: JSON.stringify(opts.body) }),
    });
    const text = await res.text();
    return { res, status: res.status, body: (text ? JSON.parse(text) : null) as Json };
  };
  const createUser = async (email: string, role: string, websiteIds: string[] = []) => {
    const r = await call('POST', '/api/users', {
      bearer: adminKey,
      body: { email, role, websiteIds, password: 'correct horse battery' },
    });
    expect(r.status).toBe(201);
    return r.body.user as Json;
  };
  const login = async (email: string, password = 'correct horse battery') =>
    call('POST', '/api/auth/login', { body: { email, password } });
  return { ...t, adminKey, call, createUser, login };
}

describe('login sessions', () => {
  it('log in with the password: an HttpOnly SameSite cookie and a bearer token, both for the API', async () => {
    const t = setup();
    await t.createUser('ana@example.com', 'admin');
    const r = await t.login('ANA@example.com');
    expect(r.status).toBe(200);
    const cookie = r.res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^sl_session=sls_[\w-]{43};/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).not.toMatch(/Secure/); // plain http in this test
    const token = r.body.token as string;
    expect(cookie).toContain(token);
    expect(r.body.user).toMatchObject({
      email: 'ana@example.com',
      role: 'admin',
      websiteIds: null,
    });
    const me = await t.call('GET', '/api/auth/me', { bearer: token });
    expect(me.body).toMatchObject({ kind: 'user', scopes: ['admin', 'read', 'write'] });
    expect((await t.call('GET', '/stats?websiteId=w1', { cookie: token })).status).toBe(200);
    // sign out: the token is dead for both uses
    const out = await t.call('POST', '/api/auth/logout', { bearer: token });
    expect(out.status).toBe(204);
    expect((await t.call('GET', '/api/auth/me', { bearer: token })).status).toBe(401);
    expect((await t.call('GET', '/stats', { cookie: token })).status).toBe(401);
  });

  it('the cookie is Secure behind TLS', async () => {
    const t = setup();
    await t.createUser('ana@example.com', 'admin');
    const res = await t.app.request('https://stats.example.com/api/auth/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: 'ana@example.com', password: 'correct horse battery' }),
    });
    expect(res.headers.get('set-cookie')).toMatch(/; Secure/);
  });

  it('wrong password and unknown email get the same 401, and no token', async () => {
    const t = setup();
    await t.createUser('ana@example.com', 'admin');
    const wrong = await t.login('ana@example.com', 'not the password');
    const unknown = await t.login('bob@example.com');
    expect([wrong.status, unknown.status]).toEqual([401, 401]);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.res.headers.get('set-cookie')).toBeNull();
  });

  it('brute force on an account is slowed: after 5 failures the account backs off (429 + Retry-After), then recovers', async () => {
    const t = setup();
    await t.createUser('ana@example.com', 'admin');
    for (let i = 0; i < 6; i++)
      expect((await t.login('ana@example.com', `guess-${i}-xxxx`)).status).toBe(401);
    const locked = await t.login('ana@example.com'); // even the right password waits
    expect(locked.status).toBe(429);
    expect(Number(locked.res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(locked.body.error.code).toBe('rate_limited');
    t.setNow(T0 + 3000);
    expect((await t.login('ana@example.com')).status).toBe(200);
    // a success resets the count
    expect((await t.login('ana@example.com', 'wrong-again-xxxx')).status).toBe(401);
    expect((await t.login('ana@example.com')).status).toBe(200);
  });

  it('attempts per client address are limited too', async () => {
    const t = setup({ loginPerIp: { perSecond: 1 / 60, burst: 3 } });
    for (let i = 0; i < 3; i++) expect((await t.login(`x${i}@example.com`)).status).toBe(401);
    const r = await t.login('x9@example.com');
    expect(r.status).toBe(429);
    expect(Number(r.res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    t.setNow(T0 + 61_000);
    expect((await t.login('x9@example.com')).status).toBe(401);
  });

  it('a cross-site request with the session cookie cannot change anything (CSRF)', async () => {
    const t = setup();
    await t.createUser('ana@example.com', 'admin');
    const { token } = (await t.login('ana@example.com')).body;
    const site = { name: 'New', domain: 'new.example.com' };
    const forged = await t.call('POST', '/api/websites', {
      cookie: token,
      body: site,
      headers: { Origin: 'https://evil.example' },
    });
    expect(forged.status).toBe(403);
    expect(forged.body.error.message).toMatch(/cross-site/);
    const noOrigin = await t.call('POST', '/api/websites', { cookie: token, body: site });
    expect(noOrigin.status).toBe(403);
    const nullOrigin = await t.call('POST', '/api/websites', {
      cookie: token,
      body: site,
      headers: { Origin: 'null', 'X-Forwarded-Host': 'localhost' },
    });
    expect(nullOrigin.status).toBe(403);
    const sameOrigin = await t.call('POST', '/api/websites', {
      cookie: token,
      body: site,
      headers: { Origin: 'http://localhost' },
    });
    expect(sameOrigin.status).toBe(201);
    // reads are not state changes; bearer tokens are not sent by browsers on their own
    expect((await t.call('GET', '/api/websites', { cookie: token })).status).toBe(200);
    expect((await t.call('POST', '/api/websites', { bearer: token, body: site })).status).toBe(201);
  });
});

describe('roles and website access', () => {
  it('a viewer reads only its websites and cannot manage anything', async () => {
    const t = setup();
    await t.createUser('vic@example.com', 'viewer', ['w1']);
    const { token } = (await t.login('vic@example.com')).body;
    const stats = await t.call('GET', '/stats?websiteId=w1', { bearer: token });
    expect(stats.status).toBe(200);
    expect(stats.body.pageviews).toBeGreaterThanOrEqual(0);
    const other = await t.call('GET', '/stats?websiteId=w2', { bearer: token });
    expect(other.status).toBe(403);
    expect(JSON.stringify(other.body)).not.toContain('pageviews');
    expect((await t.call('GET', '/sessions/s2', { bearer: token })).status).toBe(403);
    const listed = await t.call('GET', '/api/websites', { bearer: token });
    expect(listed.body.websites.map((w: Json) => w.id)).toEqual(['w1']);
    const sessions = await t.call('GET', '/sessions', { bearer: token });
    expect(sessions.body.sessions.map((s: Json) => s.id)).toEqual(['s1']);
    for (const [method, path, body] of [
      ['POST', '/api/websites', { name: 'x', domain: 'x.com' }],
      ['PATCH', '/api/websites/w1', { name: 'renamed' }],
      ['DELETE', '/api/websites/w1?confirm=w1', undefined],
      ['GET', '/api/users', undefined],
      ['POST', '/api/users', { email: 'z@example.com', role: 'admin' }],
      ['GET', '/api/keys', undefined],
      ['POST', '/api/keys', { name: 'k', scopes: ['admin'] }],
    ] as const) {
      const r = await t.call(method, path, { bearer: token, body });
      expect(r.status, `${method} ${path}`).toBe(403);
      expect(r.body.error.message).toMatch(/viewer role/);
    }
  });

  it('a member can read its websites but cannot manage users or keys', async () => {
    const t = setup();
    await t.createUser('meg@example.com', 'member', ['w2']);
    const { token } = (await t.login('meg@example.com')).body;
    expect((await t.call('GET', '/stats?websiteId=w2', { bearer: token })).status).toBe(200);
    expect((await t.call('GET', '/stats?websiteId=w1', { bearer: token })).status).toBe(403);
    expect((await t.call('GET', '/api/users', { bearer: token })).status).toBe(403);
    expect((await t.call('GET', '/api/keys', { bearer: token })).status).toBe(403);
  });

  it('changing a role ends that user’s sessions; the last admin stays an admin', async () => {
    const t = setup();
    const ana = await t.createUser('ana@example.com', 'admin');
    const bob = await t.createUser('bob@example.com', 'member', ['w1']);
    const { token } = (await t.login('bob@example.com')).body;
    const promoted = await t.call('PATCH', `/api/users/${bob.id}`, {
      bearer: t.adminKey,
      body: { role: 'viewer', websiteIds: ['w1', 'w2'] },
    });
    expect(promoted.body).toMatchObject({ role: 'viewer', websiteIds: ['w1', 'w2'] });
    expect((await t.call('GET', '/api/auth/me', { bearer: token })).status).toBe(401);
    const demote = await t.call('PATCH', `/api/users/${ana.id}`, {
      bearer: t.adminKey,
      body: { role: 'member' },
    });
    expect(demote.status).toBe(409);
    expect((await t.call('DELETE', `/api/users/${ana.id}`, { bearer: t.adminKey })).status).toBe(
      409,
    );
    expect(
      (
        await t.call('POST', '/api/users', {
          bearer: t.adminKey,
          body: { email: 'ANA@example.com', role: 'viewer', password: 'another long one' },
        })
      ).status,
    ).toBe(409);
    const unknownSite = await t.call('POST', '/api/users', {
      bearer: t.adminKey,
      body: { email: 'c@example.com', role: 'viewer', websiteIds: ['nope'] },
    });
    expect(unknownSite.status).toBe(400);
    expect(unknownSite.body.error.message).toMatch(/websiteIds: unknown website/);
  });

  it('an invited user sets a password with the token and is signed in; the token works once', async () => {
    const t = setup();
    const r = await t.call('POST', '/api/users', {
      bearer: t.adminKey,
      body: { email: 'new@example.com', role: 'viewer', websiteIds: ['w1'] },
    });
    expect(r.status).toBe(201);
    expect(r.body.user.pending).toBe(true);
    const invite = r.body.invitation.token as string;
    expect((await t.login('new@example.com', 'anything at all')).status).toBe(401);
    const short = await t.call('POST', '/api/auth/invitations/accept', {
      body: { token: invite, password: 'short' },
    });
    expect(short.status).toBe(400);
    expect(short.body.error.message).toMatch(/password: must be at least 10/);
    const ok = await t.call('POST', '/api/auth/invitations/accept', {
      body: { token: invite, password: 'a long new password' },
    });
    expect(ok.status).toBe(200);
    expect(ok.body.user).toMatchObject({ email: 'new@example.com', pending: false });
    expect((await t.login('new@example.com', 'a long new password')).status).toBe(200);
    const again = await t.call('POST', '/api/auth/invitations/accept', {
      body: { token: invite, password: 'a long new password' },
    });
    expect(again.status).toBe(404);
  });

  it('deleting a user ends their sessions and revokes the keys they created', async () => {
    const t = setup();
    const ana = await t.createUser('ana@example.com', 'admin');
    await t.createUser('root@example.com', 'admin');
    const { token } = (await t.login('ana@example.com')).body;
    const key = await t.call('POST', '/api/keys', {
      bearer: token,
      body: { name: 'ana script', scopes: ['read'] },
    });
    expect(key.body.createdBy).toBe(ana.id);
    expect((await t.call('GET', '/stats', { bearer: key.body.key })).status).toBe(200);
    expect((await t.call('DELETE', `/api/users/${ana.id}`, { bearer: t.adminKey })).status).toBe(
      204,
    );
    expect((await t.call('GET', '/api/auth/me', { bearer: token })).status).toBe(401);
    expect((await t.call('GET', '/stats', { bearer: key.body.key })).status).toBe(401);
  });
});

describe('API keys', () => {
  it('create with scopes, a website and an expiry; listed by prefix only; regenerate and revoke', async () => {
    const t = setup();
    const created = await t.call('POST', '/api/keys', {
      bearer: t.adminKey,
      body: { name: 'w1 reader', scopes: ['read'], websiteId: 'w1', expiresInDays: 30 },
    });
    expect(created.status).toBe(201);
    const key = created.body.key as string;
    expect(key).toMatch(/^sl_/);
    expect(created.body).toMatchObject({
      name: 'w1 reader',
      scopes: ['read'],
      websiteId: 'w1',
      prefix: key.slice(0, 10),
      status: 'active',
      expiresAt: new Date(T0 + 30 * 86_400_000).toISOString(),
    });
    const list = await t.call('GET', '/api/keys', { bearer: t.adminKey });
    expect(JSON.stringify(list.body)).not.toContain(key);
    expect(list.body.keys.find((k: Json) => k.id === created.body.id)).toMatchObject({
      prefix: key.slice(0, 10),
    });
    // limited to w1: another website's data is refused, and nothing is leaked
    expect((await t.call('GET', '/stats?websiteId=w1', { bearer: key })).status).toBe(200);
    const other = await t.call('GET', '/stats?websiteId=w2', { bearer: key });
    expect(other.status).toBe(403);
    expect(JSON.stringify(other.body)).not.toMatch(/pageviews/);
    expect((await t.call('GET', '/sessions/s2', { bearer: key })).status).toBe(403);
    // read scope cannot write or administer
    expect(
      (await t.call('POST', '/api/keys', { bearer: key, body: { name: 'x', scopes: ['admin'] } }))
        .status,
    ).toBe(403);
    // last use is recorded
    const used = await t.call('GET', '/api/keys', { bearer: t.adminKey });
    expect(used.body.keys.find((k: Json) => k.id === created.body.id).lastUsedAt).toBe(
      new Date(T0).toISOString(),
    );
    // regenerate: the old text stops working at once
    const regen = await t.call('POST', `/api/keys/${created.body.id}/regenerate`, {
      bearer: t.adminKey,
    });
    expect(regen.status).toBe(200);
    expect(regen.body.key).not.toBe(key);
    expect((await t.call('GET', '/stats?websiteId=w1', { bearer: key })).status).toBe(401);
    expect((await t.call('GET', '/stats?websiteId=w1', { bearer: regen.body.key })).status).toBe(
      200,
    );
    // revoke
    expect(
      (await t.call('DELETE', `/api/keys/${created.body.id}`, { bearer: t.adminKey })).status,
    ).toBe(204);
    const revoked = await t.call('GET', '/stats?websiteId=w1', { bearer: regen.body.key });
    expect(revoked.status).toBe(401);
    expect(revoked.body.error.message).toBe('API key revoked');
    // expiry
    t.setNow(T0 + 31 * 86_400_000);
    const listed = await t.call('GET', '/api/keys', { bearer: t.adminKey });
    expect(listed.body.keys.find((k: Json) => k.id === created.body.id).status).toBe('revoked');
  });

  it('an expired key answers 401; bad requests answer 400 with what was wrong', async () => {
    const t = setup();
    const created = await t.call('POST', '/api/keys', {
      bearer: t.adminKey,
      body: { name: 'short-lived', scopes: ['read'], expiresAt: new Date(T0 + 1000).toISOString() },
    });
    t.setNow(T0 + 1000);
    const r = await t.call('GET', '/stats', { bearer: created.body.key });
    expect(r.status).toBe(401);
    expect(r.body.error.message).toBe('API key expired');
    const bad = await t.call('POST', '/api/keys', {
      bearer: t.adminKey,
      body: { name: 'x', scopes: ['superuser'] },
    });
    expect(bad.status).toBe(400);
    const site = await t.call('POST', '/api/keys', {
      bearer: t.adminKey,
      body: { name: 'x', scopes: ['read'], websiteId: 'nope' },
    });
    expect(site.body.error.message).toMatch(/websiteId: unknown website/);
    const past = await t.call('POST', '/api/keys', {
      bearer: t.adminKey,
      body: { name: 'x', scopes: ['read'], expiresAt: '2020-01-01T00:00:00Z' },
    });
    expect(past.body.error.message).toMatch(/future/);
    expect((await t.call('DELETE', '/api/keys/nope', { bearer: t.adminKey })).status).toBe(404);
  });
});

describe('websites', () => {
  it('update name, allowed domains, timezone and public stats; bad values answer 400', async () => {
    const t = setup();
    const r = await t.call('PATCH', '/api/websites/w1', {
      bearer: t.adminKey,
      body: {
        name: 'Shop',
        allowedDomains: ['Shop.Example.com'],
        timezone: 'Asia/Kolkata',
        publicStats: true,
      },
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      id: 'w1',
      name: 'Shop',
      allowedDomains: ['shop.example.com'],
      timezone: 'Asia/Kolkata',
      publicStats: true,
    });
    expect((await t.call('GET', '/api/websites/w1', { bearer: t.adminKey })).body.name).toBe(
      'Shop',
    );
    const tz = await t.call('PATCH', '/api/websites/w1', {
      bearer: t.adminKey,
      body: { timezone: 'Mars/Olympus' },
    });
    expect(tz.status).toBe(400);
    expect(tz.body.error.message).toMatch(/timezone: must be an IANA time zone/);
    const host = await t.call('PATCH', '/api/websites/w1', {
      bearer: t.adminKey,
      body: { allowedDomains: ['https://shop.example.com/'] },
    });
    expect(host.status).toBe(400);
    expect(
      (await t.call('PATCH', '/api/websites/nope', { bearer: t.adminKey, body: {} })).status,
    ).toBe(404);
  });

  it('public stats: aggregate /stats without a key for that website only; sessions stay private', async () => {
    const t = setup();
    await t.call('PATCH', '/api/websites/w1', { bearer: t.adminKey, body: { publicStats: true } });
    const pub = await t.call('GET', '/stats?websiteId=w1');
    expect(pub.status).toBe(200);
    expect(pub.body.websiteId).toBe('w1');
    expect((await t.call('GET', '/stats?websiteId=w2')).status).toBe(401);
    expect((await t.call('GET', '/stats')).status).toBe(401);
    expect((await t.call('GET', '/sessions?websiteId=w1')).status).toBe(401);
    expect((await t.call('GET', '/sessions/s1')).status).toBe(401);
  });

  it('delete needs the id repeated, then removes the website and all its data', async () => {
    const t = setup();
    const w1Key = addKey(t.db, { scopes: ['read'], websiteId: 'w1' });
    const refused = await t.call('DELETE', '/api/websites/w1', { bearer: t.adminKey });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toMatch(/\?confirm=w1/);
    const wrong = await t.call('DELETE', '/api/websites/w1?confirm=w2', { bearer: t.adminKey });
    expect(wrong.status).toBe(400);
    const r = await t.call('DELETE', '/api/websites/w1?confirm=w1', { bearer: t.adminKey });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ deleted: 'w1', removed: { sessions: 1, api_keys: 1 } });
    expect((await t.call('GET', '/api/websites/w1', { bearer: t.adminKey })).status).toBe(404);
    expect((await t.call('GET', '/stats', { bearer: w1Key })).status).toBe(401);
    const left = await t.call('GET', '/sessions', { bearer: t.adminKey });
    expect(left.body.sessions.map((s: Json) => s.id)).toEqual(['s2']);
    // events for the deleted website are refused from now on
    const ev = await t.call('POST', '/collect', {
      body: { type: 'pageview', websiteId: 'w1', href: 'https://w1.example.com/' },
    });
    expect(ev.status).toBe(404);
  });
});
