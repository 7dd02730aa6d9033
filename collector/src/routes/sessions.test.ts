import { describe, expect, it } from 'vitest';
import { addEvent, addKey, addSession, addWebsite, T0, testApp } from '../queries/test-fixtures.js';

const MIN = 60_000;

interface Page {
  sessions: { id: string; websiteId: string; startedAt: string }[];
  nextCursor: string | null;
}

function seeded() {
  const t = testApp();
  addWebsite(t.db, 'w1');
  addWebsite(t.db, 'w2');
  const key = addKey(t.db);
  // 25 sessions on w1, one a minute; pairs share a start time so the keyset needs the id too
  for (let i = 0; i < 25; i++) {
    addSession(t.db, {
      websiteId: 'w1',
      id: `s${String(i).padStart(2, '0')}`,
      visitorId: i % 5 === 0 ? 'alice' : `v${i}`,
      userId: i === 3 ? 'user-3' : null,
      startedAt: T0 - Math.floor(i / 2) * MIN,
      replayEvents: i % 4 === 0 ? 10 : 0,
    });
  }
  addSession(t.db, { websiteId: 'w2', id: 'x1', startedAt: T0 });
  const list = async (q: string) => {
    const res = await t.get(`/sessions${q}`, key);
    return { status: res.status, body: (await res.json()) as Page };
  };
  return { ...t, key, list };
}

describe('GET /sessions', () => {
  it('pages newest first with an opaque cursor, no gaps or repeats', async () => {
    const t = seeded();
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const q: string = `?websiteId=w1&limit=7${cursor ? `&cursor=${cursor}` : ''}`;
      const { status, body } = await t.list(q);
      expect(status).toBe(200);
      expect(body.sessions.length).toBeLessThanOrEqual(7);
      seen.push(...body.sessions.map((s) => s.id));
      cursor = body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(4);
    const expected = Array.from({ length: 25 }, (_, i) => `s${String(i).padStart(2, '0')}`).sort(
      (a, b) => {
        const ia = Number(a.slice(1));
        const ib = Number(b.slice(1));
        return Math.floor(ia / 2) - Math.floor(ib / 2) || b.localeCompare(a);
      },
    );
    expect(seen).toEqual(expected);
  });

  it('defaults to 20 per page, covers every website, caps limit at 100', async () => {
    const t = seeded();
    const { body } = await t.list('');
    expect(body.sessions).toHaveLength(20);
    expect(body.sessions[0]?.id).toBe('x1');
    expect(body.nextCursor).toEqual(expect.any(String));
    expect((await t.list('?limit=101')).status).toBe(400);
    expect((await t.list('?limit=0')).status).toBe(400);
    expect((await t.list('?limit=abc')).status).toBe(400);
  });

  it('filters by visitor, user, replay and time', async () => {
    const t = seeded();
    const ids = async (q: string) => (await t.list(q)).body.sessions.map((s) => s.id);
    expect(await ids('?visitorId=alice')).toEqual(['s00', 's05', 's10', 's15', 's20']);
    expect(await ids('?userId=user-3')).toEqual(['s03']);
    expect(await ids('?websiteId=w1&hasReplay=true')).toEqual([
      's00',
      's04',
      's08',
      's12',
      's16',
      's20',
      's24',
    ]);
    expect((await ids('?websiteId=w1&hasReplay=false&limit=100')).length).toBe(18);
    const from = new Date(T0 - MIN).toISOString();
    expect(await ids(`?websiteId=w1&from=${from}`)).toEqual(['s01', 's00', 's03', 's02']);
    expect(await ids(`?websiteId=w1&to=${from}&limit=2`)).toEqual(['s05', 's04']);
  });

  it('400 for a forged cursor or bad hasReplay, 404 for an unknown website', async () => {
    const t = seeded();
    for (const q of [
      '?cursor=nonsense',
      `?cursor=${Buffer.from('[1,2]').toString('base64url')}`,
      '?hasReplay=yes',
    ]) {
      const { status, body } = await t.list(q);
      expect(status, q).toBe(400);
      expect((body as unknown as { error: { code: string } }).error.code).toBe('invalid_fields');
    }
    expect((await t.list('?websiteId=zzz')).status).toBe(404);
  });
});

describe('GET /sessions/:id', () => {
  function withDetail() {
    const t = testApp();
    addWebsite(t.db, 'w1');
    const key = addKey(t.db);
    addSession(t.db, {
      websiteId: 'w1',
      id: 'sess',
      visitorId: 'vis',
      userId: 'u1',
      startedAt: T0,
      endedAt: T0 + 95_000,
      pageviews: 2,
      clicks: 1,
      events: 4,
      entryPath: '/',
      exitPath: '/pricing',
      hostname: 'example.com',
      referrer: 'https://www.google.com/',
      source: 'google',
      utmSource: 'google',
      utmMedium: 'cpc',
      utmCampaign: 'spring',
      browser: 'Chrome',
      browserVersion: '120.0',
      os: 'macOS',
      device: 'desktop',
      screen: '1920x1080',
      language: 'en-US',
      country: 'DE',
      replayChunks: 3,
      replayEvents: 120,
      replayBytes: 4096,
    });
    // inserted out of order: the answer must be in time order
    addEvent(t.db, {
      websiteId: 'w1',
      sessionId: 'sess',
      ts: T0 + 95_000,
      type: 'scroll',
      path: '/pricing',
      scrollDepth: 80,
      engagedMs: 20_000,
    });
    addEvent(t.db, {
      websiteId: 'w1',
      sessionId: 'sess',
      ts: T0,
      type: 'pageview',
      path: '/',
      title: 'Home',
      referrer: 'https://www.google.com/',
    });
    addEvent(t.db, {
      websiteId: 'w1',
      sessionId: 'sess',
      ts: T0 + 5000,
      type: 'click',
      name: 'BUTTON',
      path: '/',
      props: { tag: 'BUTTON', text: 'Buy', x: 10, y: 20, type: 'forged', timestamp: 0 },
    });
    addEvent(t.db, {
      websiteId: 'w1',
      sessionId: 'sess',
      ts: T0 + 60_000,
      type: 'pageview',
      path: '/pricing',
    });
    addEvent(t.db, {
      websiteId: 'w1',
      sessionId: 'other',
      ts: T0 + 1,
      type: 'pageview',
      path: '/elsewhere',
    });
    return { ...t, key };
  }

  it('answers the documented shape with events in time order', async () => {
    const t = withDetail();
    const res = await t.get('/sessions/sess', t.key);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown> & {
      events: Record<string, unknown>[];
    };
    expect(body).toMatchObject({
      id: 'sess',
      websiteId: 'w1',
      visitorId: 'vis',
      userId: 'u1',
      startedAt: '2024-01-15T12:00:00.000Z',
      endedAt: '2024-01-15T12:01:35.000Z',
      durationMs: 95_000,
      pageviews: 2,
      clicks: 1,
      eventCount: 4,
      referrer: 'https://www.google.com/',
      source: 'google',
      entryPath: '/',
      exitPath: '/pricing',
      country: 'DE',
      language: 'en-US',
      device: {
        type: 'desktop',
        browser: 'Chrome',
        browserVersion: '120.0',
        os: 'macOS',
        screen: '1920x1080',
      },
      utm: { source: 'google', medium: 'cpc', campaign: 'spring', term: null, content: null },
      replay: { chunks: 3, events: 120, bytes: 4096 },
      eventsTruncated: false,
    });
    expect(body.events.map((e) => [e.type, e.timestamp, e.url])).toEqual([
      ['pageview', T0, '/'],
      ['click', T0 + 5000, '/'],
      ['pageview', T0 + 60_000, '/pricing'],
      ['scroll', T0 + 95_000, '/pricing'],
    ]);
    expect(body.events[0]).toMatchObject({ title: 'Home', referrer: 'https://www.google.com/' });
    expect(body.events[1]).toMatchObject({
      tag: 'BUTTON',
      text: 'Buy',
      x: 10,
      y: 20,
      name: 'BUTTON',
    });
    expect(body.events[3]).toMatchObject({ scrollDepth: 80, engagedMs: 20_000 });
  });

  it('404 for an unknown id; 403 for a key limited to another website', async () => {
    const t = withDetail();
    const missing = await t.get('/sessions/nope', t.key);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({
      error: { code: 'not_found', message: 'unknown session "nope"' },
    });
    addWebsite(t.db, 'w2');
    const other = addKey(t.db, { websiteId: 'w2' });
    expect((await t.get('/sessions/sess', other)).status).toBe(403);
    const own = addKey(t.db, { websiteId: 'w1' });
    expect((await t.get('/sessions/sess', own)).status).toBe(200);
  });
});
