import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { VIEWER_CSP } from '../replay/viewer/page.js';
import { storeReplay } from '../replay/store.js';
import { T0, chunk, ev, replayTestApp } from '../replay/test-helpers.js';

function setup() {
  const t = replayTestApp();
  t.website('w1');
  t.website('w2');
  t.session('w1', 's1');
  return { ...t, k: t.key('w1'), otherKey: t.key('w2') };
}

describe('GET /sessions/:id/replay', () => {
  it('streams the chunks in time order, whatever order they arrived in', async () => {
    const t = setup();
    const a = [ev(T0, 4), ev(T0 + 1, 2)];
    const b = [ev(T0 + 100), ev(T0 + 150)];
    const c = [ev(T0 + 200), ev(T0 + 260)];
    const target = { websiteId: 'w1', sessionId: 's1' };
    storeReplay(t.ctx, target, { replayChunks: [chunk('chunk-c-3', 2, c, 'json')] });
    storeReplay(t.ctx, target, { replayChunks: [chunk('chunk-a-1', 0, a)] });
    storeReplay(t.ctx, target, { replayChunks: [chunk('chunk-b-2', 1, b)] });
    const res = await t.get('/sessions/s1/replay', t.k);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const text = await res.text();
    expect(text).toBe(JSON.stringify([...a, ...b, ...c]));
  });

  it('orders chunks that start at the same millisecond by seq', async () => {
    const t = setup();
    const target = { websiteId: 'w1', sessionId: 's1' };
    storeReplay(t.ctx, target, { replayChunks: [chunk('zzzz-seq1', 1, [ev(T0, 3, { n: 2 })])] });
    storeReplay(t.ctx, target, { replayChunks: [chunk('aaaa-seq0', 0, [ev(T0, 3, { n: 1 })])] });
    storeReplay(t.ctx, target, { replayChunks: [chunk('mmmm-seq2', 2, [ev(T0, 3, { n: 3 })])] });
    const events = (await (await t.get('/sessions/s1/replay', t.k)).json()) as {
      data: { n: number };
    }[];
    expect(events.map((e) => e.data.n)).toEqual([1, 2, 3]);
  });

  it('streams exactly the concatenation of many chunks, each stored once', async () => {
    const t = setup();
    const target = { websiteId: 'w1', sessionId: 's1' };
    const all: ReturnType<typeof ev>[] = [];
    for (let i = 0; i < 40; i++) {
      const events = Array.from({ length: 25 }, (_, j) =>
        ev(T0 + i * 1000 + j, 3, { i, j, s: 'x'.repeat(j) }),
      );
      all.push(...events);
      const c = chunk(`chunk-${String(i).padStart(4, '0')}`, i, events);
      storeReplay(t.ctx, target, { replayChunks: [c] });
      storeReplay(t.ctx, target, { replayChunks: [c] });
    }
    const res = await t.get('/sessions/s1/replay', t.k);
    expect(await res.text()).toBe(JSON.stringify(all));
  });

  it('gzips the stream when the client accepts it', async () => {
    const t = setup();
    const events = [ev(T0, 4), ev(T0 + 1, 2), ev(T0 + 2)];
    storeReplay(
      t.ctx,
      { websiteId: 'w1', sessionId: 's1' },
      { replayChunks: [chunk('chunk-gz-1', 0, events)] },
    );
    const res = await t.app.request('/sessions/s1/replay', {
      headers: { Authorization: `Bearer ${t.k}`, 'Accept-Encoding': 'gzip' },
    });
    expect(res.headers.get('content-encoding')).toBe('gzip');
    expect(gunzipSync(Buffer.from(await res.arrayBuffer())).toString()).toBe(
      JSON.stringify(events),
    );
  });

  it('answers [] for a session without a recording and 404 for an unknown one', async () => {
    const t = setup();
    const empty = await t.get('/sessions/s1/replay', t.k);
    expect(empty.status).toBe(200);
    expect(await empty.json()).toEqual([]);
    const missing = await t.get('/sessions/nope/replay', t.k);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({
      error: { code: 'not_found', message: 'unknown session "nope"' },
    });
  });

  it('needs a read key for the session’s website', async () => {
    const t = setup();
    storeReplay(t.ctx, { websiteId: 'w1', sessionId: 's1' }, { replay: [ev(T0, 2)] });
    const anon = await t.get('/sessions/s1/replay');
    expect(anon.status).toBe(401);
    expect(anon.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(((await anon.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
    expect((await t.get('/sessions/s1/replay', 'sl_not-a-key')).status).toBe(401);
    const other = await t.get('/sessions/s1/replay', t.otherKey);
    expect(other.status).toBe(403);
    expect(((await other.json()) as { error: { code: string } }).error.code).toBe('forbidden');
    expect((await t.get('/sessions/s1/replay?websiteId=w2', t.otherKey)).status).toBe(404);
    const writeOnly = t.key('w1', ['write']);
    expect((await t.get('/sessions/s1/replay', writeOnly)).status).toBe(403);
    expect((await t.get('/sessions/s1/replay', t.key(null, ['admin']))).status).toBe(200);
  });
});

describe('GET /sessions/:id/neighbors', () => {
  it('links the same visitor’s previous and next sessions only', async () => {
    const t = setup();
    t.session('w1', 's0', T0 - 10_000);
    t.session('w1', 's2', T0 + 10_000);
    t.session('w1', 's3', T0 + 20_000);
    t.session('w1', 'x1', T0 + 5_000, 'someone-else');
    expect(await (await t.get('/sessions/s1/neighbors', t.k)).json()).toEqual({
      previous: 's0',
      next: 's2',
    });
    expect(await (await t.get('/sessions/s0/neighbors', t.k)).json()).toEqual({
      previous: null,
      next: 's1',
    });
    expect((await t.get('/sessions/s1/neighbors', t.otherKey)).status).toBe(403);
  });
});

describe('GET /replay/:id (viewer)', () => {
  it('is static HTML with a strict CSP and no inline script', async () => {
    const t = setup();
    const res = await t.get('/replay/s1');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toBe(VIEWER_CSP);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("connect-src 'self'");
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    const html = await res.text();
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts).toHaveLength(2);
    for (const [, attrs, body] of scripts) {
      expect(attrs).toMatch(/src="\.\.\/replay-assets\/(player|viewer)\.js\?v=[\w-]+"/);
      expect(body).toBe('');
    }
    expect(html).not.toMatch(/\son\w+=/i);
    expect(html).not.toContain('s1');
  });

  it('serves the player and viewer files, gzipped and long-cached', async () => {
    const t = setup();
    const html = await (await t.get('/replay/s1')).text();
    for (const name of ['player.js', 'player.css', 'viewer.js', 'viewer.css']) {
      const url = new RegExp(`\\.\\./(replay-assets/${name.replace('.', '\\.')}\\?v=[\\w-]+)`).exec(
        html,
      )?.[1];
      expect(url, name).toBeDefined();
      const plain = await t.app.request(`/${url}`);
      expect(plain.status).toBe(200);
      expect(plain.headers.get('cache-control')).toContain('immutable');
      expect(plain.headers.get('content-type')).toMatch(
        name.endsWith('.js') ? /javascript/ : /text\/css/,
      );
      const body = Buffer.from(await plain.arrayBuffer());
      const gz = await t.app.request(`/${url}`, { headers: { 'Accept-Encoding': 'gzip, br' } });
      expect(gz.headers.get('content-encoding')).toBe('gzip');
      expect(gunzipSync(Buffer.from(await gz.arrayBuffer())).equals(body)).toBe(true);
      const etag = plain.headers.get('etag') ?? '';
      expect((await t.app.request(`/${url}`, { headers: { 'If-None-Match': etag } })).status).toBe(
        304,
      );
    }
    const player = await (await t.app.request('/replay-assets/player.js')).text();
    expect(player).toContain('rrwebPlayer');
    expect((await t.app.request('/replay-assets/secret.txt')).status).toBe(404);
    expect((await t.app.request('/replay-assets/..%2Fpackage.json')).status).toBe(404);
  });

  it('documents the replay paths in OpenAPI', async () => {
    const t = setup();
    const res = await t.app.request('/openapi.json');
    if (res.status !== 200) return; // the docs route belongs to the reads work
    const doc = (await res.json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/sessions/{id}/replay', '/sessions/{id}/neighbors', '/replay/{id}']),
    );
  });
});
