import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { chromeUa, ingestApp, iphoneUa, noon, seedBatch, seedCollect } from './ingest-fixtures.js';

describe('POST /collect', () => {
  it('stores the original payload sent as text/plain', async () => {
    const f = ingestApp();
    const res = await f.post('/collect', seedCollect);
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ ok: true, accepted: 1, duplicates: 0 });
    const rows = f.all(
      'SELECT website_id, session_id, visitor_id, type, path, hostname, ts FROM events',
    );
    expect(rows).toEqual([
      {
        website_id: 'site-1',
        session_id: 'session-1',
        visitor_id: 'visitor-1',
        type: 'pageview',
        path: '/pricing?plan=pro',
        hostname: 'example.com',
        ts: noon,
      },
    ]);
  });

  it('stores the original payload sent as application/json, byte for byte', async () => {
    const f = ingestApp();
    const body =
      '{"type":"pageview","websiteId":"site-1","domain":"example.com","href":"https://example.com/","referrer":null,"viewport":{"width":1920,"height":1080},"visitorId":"v","sessionId":"s"}';
    const res = await f.post('/collect', body, { 'content-type': 'application/json' });
    expect(res.status).toBe(202);
    expect(f.all('SELECT screen, source FROM sessions')).toEqual([
      { screen: '1920x1080', source: 'direct' },
    ]);
  });

  it('stores custom events with props and identify with traits and the user id', async () => {
    const f = ingestApp();
    await f.post('/collect', {
      ...seedCollect,
      type: 'custom',
      name: 'signup',
      props: { plan: 'pro' },
    });
    await f.post('/collect', {
      ...seedCollect,
      type: 'identify',
      userId: 'user-42',
      traits: { email: 'a@b.c' },
    });
    expect(f.all('SELECT type, name, props, user_id FROM events ORDER BY type')).toEqual([
      { type: 'custom', name: 'signup', props: '{"plan":"pro"}', user_id: null },
      { type: 'identify', name: null, props: '{"email":"a@b.c"}', user_id: 'user-42' },
    ]);
    expect(f.all('SELECT user_id, events, pageviews FROM sessions')).toEqual([
      { user_id: 'user-42', events: 2, pageviews: 0 },
    ]);
  });

  it('derives browser, OS, device, language, source and UTM', async () => {
    const f = ingestApp();
    await f.post(
      '/collect',
      {
        ...seedCollect,
        href: 'https://example.com/?utm_source=newsletter&utm_medium=email&utm_campaign=jan#/pricing',
        referrer: 'https://www.google.co.uk/search?q=x',
      },
      { 'user-agent': iphoneUa, 'accept-language': 'de-CH,de;q=0.9' },
    );
    expect(
      f.all(
        'SELECT browser, os, device, language, source, referrer, utm_source, utm_medium, utm_campaign, entry_path FROM sessions',
      ),
    ).toEqual([
      {
        browser: 'Mobile Safari',
        os: 'iOS',
        device: 'mobile',
        language: 'de-CH',
        source: 'newsletter',
        referrer: 'https://www.google.co.uk/search?q=x',
        utm_source: 'newsletter',
        utm_medium: 'email',
        utm_campaign: 'jan',
        entry_path: '/?utm_source=newsletter&utm_medium=email&utm_campaign=jan#/pricing',
      },
    ]);
  });

  it("takes the session's referrer and source from its first pageview, and never its own pages", async () => {
    const f = ingestApp();
    const page = (sessionId: string, path: string, referrer: string | null, eventId: string) =>
      f.post('/collect', {
        ...seedCollect,
        sessionId,
        href: `https://example.com${path}`,
        referrer,
        eventId,
      });
    // a direct visit moving through the site: each pageview's referrer is the previous page
    await page('direct', '/', null, 'd1');
    await page('direct', '/docs', 'https://example.com/', 'd2');
    // … back from another site later in the session: still a direct session
    await page('direct', '/blog', 'https://news.ycombinator.com/', 'd3');
    // a visit from Google, back later in the session from another site
    await page('google', '/', 'https://www.google.com/', 'g1');
    await page('google', '/pricing', 'https://news.ycombinator.com/', 'g2');
    // a pageview arriving late with an earlier time (the upsert's path): source and referrer
    // stay those of the first one stored, together
    await page('late', '/', null, 'l1');
    await f.post('/collect', {
      ...seedCollect,
      sessionId: 'late',
      referrer: 'https://news.ycombinator.com/',
      timestamp: noon - 60_000,
      eventId: 'l0',
    });
    // a new session entering on an internal referrer (an old tab): direct, no referrer
    await page('tab', '/docs', 'https://www.example.com/', 't1');
    // a batch first (no referrer or source), then the session's pageview fills both
    await f.post('/api/events', {
      ...seedBatch,
      metadata: { ...seedBatch.metadata, websiteId: 'site-1', sessionId: 'batch-first' },
      replay: undefined,
    });
    await page('batch-first', '/', 'https://github.com/owner/repo', 'b1');
    expect(f.all('SELECT id, source, referrer FROM sessions ORDER BY id')).toEqual([
      { id: 'batch-first', source: 'github', referrer: 'https://github.com/owner/repo' },
      { id: 'direct', source: 'direct', referrer: null },
      { id: 'google', source: 'google', referrer: 'https://www.google.com/' },
      { id: 'late', source: 'direct', referrer: null },
      { id: 'tab', source: 'direct', referrer: null },
    ]);
    // the pageviews keep the referrers they were sent with
    expect(f.all("SELECT referrer FROM events WHERE id IN ('d2', 'g2') ORDER BY id")).toEqual([
      { referrer: 'https://example.com/' },
      { referrer: 'https://news.ycombinator.com/' },
    ]);
  });

  it('keeps the country header only behind a trusted proxy', async () => {
    const untrusted = ingestApp();
    await untrusted.post('/collect', seedCollect, { 'cf-ipcountry': 'CH' });
    expect(untrusted.all('SELECT country FROM sessions')).toEqual([{ country: null }]);
    const trusted = ingestApp({ trustProxy: true });
    await trusted.post('/collect', seedCollect, { 'cf-ipcountry': 'ch' });
    expect(trusted.all('SELECT country FROM sessions')).toEqual([{ country: 'CH' }]);
  });

  it('answers the CORS preflight for any origin', async () => {
    const f = ingestApp();
    const res = await f.app.request('/collect', {
      method: 'OPTIONS',
      headers: {
        origin: 'https://shop.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-methods')).toBe('POST,OPTIONS');
    expect(res.headers.get('access-control-allow-headers')).toBe('Content-Type');
    const post = await f.post('/collect', seedCollect, { origin: 'https://shop.example' });
    expect(post.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    expect(post.headers.get('vary')).toBe('Origin');
    // a browser can read the error of a rejected event too
    const bad = await f.app.request('/collect', {
      method: 'POST',
      headers: { origin: 'https://shop.example', 'content-type': 'text/plain' },
      body: '{"type":"pageview"',
    });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('access-control-allow-origin')).toBe('*');
  });
});

describe('POST /api/events', () => {
  it('attributes the original batch (no websiteId) through its session', async () => {
    const f = ingestApp();
    await f.post('/collect', seedCollect);
    const res = await f.post('/api/events', seedBatch, { 'content-type': 'application/json' });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({
      ok: true,
      accepted: 1,
      duplicates: 0,
      replay: { status: 'stored', chunks: 1, duplicates: 0 },
    });
    expect(f.all("SELECT website_id, name, props FROM events WHERE type = 'click'")).toEqual([
      {
        website_id: 'site-1',
        name: 'BUTTON',
        props: '{"id":"submit-btn","class":"btn","text":"Submit","x":100,"y":200}',
      },
    ]);
    expect(
      f.all('SELECT pageviews, clicks, events, replay_events, started_at, ended_at FROM sessions'),
    ).toEqual([
      {
        pageviews: 1,
        clicks: 1,
        events: 2,
        replay_events: 2,
        started_at: 1704067200000,
        ended_at: noon,
      },
    ]);
  });

  it('stores every analytics type', async () => {
    const f = ingestApp();
    const ts = noon - 1000;
    const analytics = [
      { type: 'outbound', href: 'https://other.example/x', text: 'Other', timestamp: ts },
      {
        type: 'scroll',
        depth: 87.4,
        engagedMs: 12000,
        timestamp: ts,
        url: 'https://example.com/blog',
      },
      { type: 'rageclick', x: 1, y: 2, count: 4, selector: 'button.buy', timestamp: ts },
      { type: 'deadclick', x: 1, y: 2, tag: 'DIV', timestamp: ts },
      { type: 'error', message: 'boom', line: 3, timestamp: ts },
    ];
    const res = await f.post('/api/events', {
      metadata: { websiteId: 'site-2', sessionId: 's2', url: 'https://example.com/' },
      analytics,
    });
    expect(await res.json()).toEqual({ ok: true, accepted: 5, duplicates: 0 });
    expect(
      f.all('SELECT type, name, path, scroll_depth, engaged_ms, props FROM events ORDER BY type'),
    ).toEqual([
      {
        type: 'deadclick',
        name: 'DIV',
        path: '/',
        scroll_depth: null,
        engaged_ms: null,
        props: '{"x":1,"y":2}',
      },
      {
        type: 'error',
        name: 'boom',
        path: '/',
        scroll_depth: null,
        engaged_ms: null,
        props: '{"line":3}',
      },
      {
        type: 'outbound',
        name: 'https://other.example/x',
        path: '/',
        scroll_depth: null,
        engaged_ms: null,
        props: '{"href":"https://other.example/x","text":"Other"}',
      },
      {
        type: 'rageclick',
        name: null,
        path: '/',
        scroll_depth: null,
        engaged_ms: null,
        props: '{"selector":"button.buy","x":1,"y":2,"count":4}',
      },
      {
        type: 'scroll',
        name: null,
        path: '/blog',
        scroll_depth: 87,
        engaged_ms: 12000,
        props: null,
      },
    ]);
  });

  it('rejects a batch without websiteId whose session is unknown, storing nothing', async () => {
    const f = ingestApp();
    const res = await f.post('/api/events', seedBatch);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: {
        code: 'bad_request',
        message:
          'metadata.websiteId is missing and session session-1 is unknown; send websiteId or a pageview first',
      },
    });
    expect(f.all('SELECT * FROM events')).toEqual([]);
  });

  it('keeps the client time only within [now - 7 days, now + 10 min]', async () => {
    const f = ingestApp();
    const click = seedBatch.analytics[0]!;
    const analytics = [
      { ...click, eventId: 'old', timestamp: noon - 8 * 86400000 },
      { ...click, eventId: 'future', timestamp: noon + 11 * 60000 },
      { ...click, eventId: 'ok', timestamp: noon + 9 * 60000 },
    ];
    await f.post('/api/events', {
      metadata: { ...seedBatch.metadata, websiteId: 'site-1' },
      analytics,
    });
    expect(f.all('SELECT id, ts FROM events ORDER BY id')).toEqual([
      { id: 'future', ts: noon },
      { id: 'ok', ts: noon + 9 * 60000 },
      { id: 'old', ts: noon },
    ]);
  });
});

describe('idempotency', () => {
  it('stores an eventId once and does not double the session counts', async () => {
    const f = ingestApp();
    const pv = { ...seedCollect, eventId: 'e-1', timestamp: noon - 5000 };
    expect(await (await f.post('/collect', pv)).json()).toEqual({
      ok: true,
      accepted: 1,
      duplicates: 0,
    });
    expect(await (await f.post('/collect', pv)).json()).toEqual({
      ok: true,
      accepted: 0,
      duplicates: 1,
    });
    const batch = {
      ...seedBatch,
      analytics: [...seedBatch.analytics, { ...seedBatch.analytics[0]!, eventId: 'c-2' }],
    };
    expect(await (await f.post('/api/events', batch)).json()).toEqual({
      ok: true,
      accepted: 2,
      duplicates: 0,
      replay: { status: 'stored', chunks: 1, duplicates: 0 },
    });
    expect(await (await f.post('/api/events', batch)).json()).toEqual({
      ok: true,
      accepted: 0,
      duplicates: 2,
      replay: { status: 'stored', chunks: 0, duplicates: 1 },
    });
    expect(f.all('SELECT count(*) AS n FROM replay_chunks')).toEqual([{ n: 1 }]);
    expect(f.all('SELECT count(*) AS n FROM events')).toEqual([{ n: 3 }]);
    expect(f.all('SELECT pageviews, clicks, events FROM sessions')).toEqual([
      { pageviews: 1, clicks: 2, events: 3 },
    ]);
  });
});

describe('unknown website', () => {
  it('answers 404 unknown_website and stores nothing', async () => {
    const f = ingestApp();
    const res = await f.post('/collect', { ...seedCollect, websiteId: 'nope' });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      error: { code: 'unknown_website', message: 'website nope is unknown; nothing was stored' },
    });
    const batch = await f.post('/api/events', {
      ...seedBatch,
      metadata: { ...seedBatch.metadata, websiteId: 'nope' },
    });
    expect(batch.status).toBe(404);
    expect(
      f.all('SELECT (SELECT count(*) FROM events) AS e, (SELECT count(*) FROM sessions) AS s'),
    ).toEqual([{ e: 0, s: 0 }]);
  });
});

describe('bots', () => {
  it.each([
    ['Googlebot/2.1 (+http://www.google.com/bot.html)', 'ua_bot'],
    ['', 'ua_empty'],
    [
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.0.0 Safari/537.36',
      'headless',
    ],
  ])('answers 2xx, stores nothing and counts the drop for %j', async (ua, reason) => {
    const f = ingestApp();
    const res = await f.post('/collect', seedCollect, { 'user-agent': ua });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ ok: true, accepted: 0, duplicates: 0 });
    await f.post(
      '/api/events',
      { ...seedBatch, metadata: { ...seedBatch.metadata, websiteId: 'site-1' } },
      { 'user-agent': ua },
    );
    expect(
      f.all('SELECT (SELECT count(*) FROM events) AS e, (SELECT count(*) FROM sessions) AS s'),
    ).toEqual([{ e: 0, s: 0 }]);
    expect(f.all('SELECT website_id, day, reason, count FROM bot_drops')).toEqual([
      { website_id: 'site-1', day: '2024-01-01', reason, count: 2 },
    ]);
  });

  it('lets a normal browser through', async () => {
    const f = ingestApp();
    await f.post('/collect', seedCollect, { 'user-agent': chromeUa });
    expect(f.all('SELECT count(*) AS n FROM bot_drops')).toEqual([{ n: 0 }]);
  });
});

describe('replay chunks through /api/events', () => {
  const chunk = (id: string, startTs: number, events: unknown[]) => {
    const json = JSON.stringify(events);
    return {
      id,
      seq: 0,
      encoding: 'gzip+base64',
      data: gzipSync(json).toString('base64'),
      count: events.length,
      startTs,
      endTs: startTs + events.length,
      rawBytes: Buffer.byteLength(json),
    };
  };
  const body = (chunks: unknown[], analytics = seedBatch.analytics) => ({
    metadata: { ...seedBatch.metadata, websiteId: 'site-1' },
    analytics,
    replayChunks: chunks,
  });
  const t = 1704067200000;
  const events = [
    { type: 4, data: { href: 'https://example.com/', width: 800, height: 600 }, timestamp: t },
    { type: 2, data: { node: {} }, timestamp: t + 1 },
  ];

  it('stores compressed chunks as sent, once, and counts them on the session', async () => {
    const f = ingestApp();
    const c = chunk('11111111-1111-4111-8111-111111111111', t, events);
    const first = await f.post('/api/events', body([c]));
    expect(await first.json()).toMatchObject({ replay: { status: 'stored', chunks: 1 } });
    const again = await f.post('/api/events', body([c], []));
    expect(await again.json()).toMatchObject({
      replay: { status: 'stored', chunks: 0, duplicates: 1 },
    });
    const [row] = f.all<{ data: Buffer; event_count: number }>(
      'SELECT data, event_count FROM replay_chunks',
    );
    expect(row?.event_count).toBe(2);
    expect(Buffer.compare(row!.data, Buffer.from(c.data, 'base64'))).toBe(0);
    expect(f.all('SELECT replay_chunks, replay_events FROM sessions')).toEqual([
      { replay_chunks: 1, replay_events: 2 },
    ]);
  });

  it('rejects a corrupt chunk with 400 and stores nothing of the batch', async () => {
    const f = ingestApp();
    const bad = { ...chunk('22222222-2222-4222-8222-222222222222', t, events), data: 'not-gzip' };
    const res = await f.post('/api/events', body([bad]));
    expect(res.status).toBe(400);
    expect(f.all('SELECT count(*) AS n FROM events')).toEqual([{ n: 0 }]);
  });

  it('over the session cap: keeps the analytics, reports the replay as capped', async () => {
    const f = ingestApp({ limits: { replaySessionBytes: 10 } });
    const res = await f.post(
      '/api/events',
      body([chunk('33333333-3333-4333-8333-333333333333', t, events)]),
    );
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({
      accepted: 1,
      replay: { status: 'capped', code: 'payload_too_large' },
    });
    const only = await f.post(
      '/api/events',
      body([chunk('44444444-4444-4444-8444-444444444444', t + 5, events)], []),
    );
    expect(only.status).toBe(413);
    expect(f.all('SELECT count(*) AS n FROM replay_chunks')).toEqual([{ n: 0 }]);
  });
});
