import { describe, expect, it } from 'vitest';
import { addEvent, addKey, addSession, addWebsite, T0, testApp } from '../queries/test-fixtures.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

type Stats = Record<string, number | string | null>;

/**
 * w1: three sessions — s1 (2 pageviews, 60 s), s2 (1 pageview, 0 s, bounce), s3 eight days ago
 * (1 pageview, 30 s, bounce, replay); w2: one session.
 */
function seeded() {
  const t = testApp();
  addWebsite(t.db, 'w1');
  addWebsite(t.db, 'w2');
  const key = addKey(t.db, { scopes: ['read'] });
  addSession(t.db, {
    websiteId: 'w1',
    id: 's1',
    visitorId: 'v1',
    startedAt: T0 - HOUR,
    endedAt: T0 - HOUR + 60_000,
    pageviews: 2,
  });
  addSession(t.db, {
    websiteId: 'w1',
    id: 's2',
    visitorId: 'v1',
    startedAt: T0 - 2 * HOUR,
    endedAt: T0 - 2 * HOUR,
    pageviews: 1,
  });
  addSession(t.db, {
    websiteId: 'w1',
    id: 's3',
    visitorId: 'v2',
    startedAt: T0 - 8 * DAY,
    endedAt: T0 - 8 * DAY + 30_000,
    pageviews: 1,
    replayEvents: 40,
    replayChunks: 2,
  });
  addSession(t.db, {
    websiteId: 'w2',
    id: 's4',
    visitorId: 'v9',
    startedAt: T0 - HOUR,
    pageviews: 5,
    replayEvents: 7,
  });
  const w1 = (sessionId: string, ts: number, type: string) =>
    addEvent(t.db, { websiteId: 'w1', sessionId, ts, type });
  w1('s1', T0 - HOUR, 'pageview');
  w1('s1', T0 - HOUR + 1000, 'click');
  w1('s1', T0 - HOUR + 2000, 'outbound');
  w1('s1', T0 - HOUR + 3000, 'pageview');
  w1('s1', T0 - HOUR + 4000, 'scroll');
  w1('s1', T0 - HOUR + 5000, 'custom');
  w1('s1', T0 - HOUR + 6000, 'identify');
  w1('s2', T0 - 2 * HOUR, 'pageview');
  w1('s3', T0 - 8 * DAY, 'pageview');
  w1('s3', T0 - 8 * DAY + 10, 'click');
  w1('s3', T0 - 8 * DAY + 20, 'error');
  for (let i = 0; i < 5; i++)
    addEvent(t.db, { websiteId: 'w2', sessionId: 's4', ts: T0 - HOUR + i, type: 'pageview' });
  const stats = async (query = '') => {
    const res = await t.get(`/stats${query}`, key);
    return { status: res.status, body: (await res.json()) as Stats };
  };
  return { ...t, key, stats };
}

describe('GET /stats', () => {
  it('counts everything of every website by default (all time)', async () => {
    const { stats } = seeded();
    const { status, body } = await stats();
    expect(status).toBe(200);
    expect(body).toEqual({
      websiteId: null,
      from: null,
      to: null,
      pageviews: 9,
      identify_events: 1,
      custom_events: 1,
      click_events: 2,
      outbound_events: 1,
      scroll_events: 1,
      rrweb_events: 47,
      total_sessions: 4,
      visitors: 3,
      bounce_rate: 0.5,
      avg_duration_ms: 22_500,
    });
  });

  it('filters by website, with bounce rate and mean duration of that website', async () => {
    const { body } = await seeded().stats('?websiteId=w1');
    expect(body).toMatchObject({
      websiteId: 'w1',
      pageviews: 4,
      click_events: 2,
      total_sessions: 3,
      visitors: 2,
      rrweb_events: 40,
      bounce_rate: 0.6667,
      avg_duration_ms: 30_000,
    });
  });

  it('period=24h and 7d use the injected clock; all is all time', async () => {
    const t = seeded();
    const day = (await t.stats('?websiteId=w1&period=24h')).body;
    expect(day).toMatchObject({
      from: new Date(T0 - DAY).toISOString(),
      to: new Date(T0).toISOString(),
      pageviews: 3,
      total_sessions: 2,
      rrweb_events: 0,
      bounce_rate: 0.5,
      avg_duration_ms: 30_000,
    });
    expect((await t.stats('?websiteId=w1&period=7d')).body.total_sessions).toBe(2);
    expect((await t.stats('?websiteId=w1&period=30d')).body.total_sessions).toBe(3);
    expect((await t.stats('?websiteId=w1&period=all')).body).toMatchObject({
      total_sessions: 3,
      from: null,
    });
    t.setNow(T0 + 2 * DAY);
    expect((await t.stats('?websiteId=w1&period=24h')).body.pageviews).toBe(0);
  });

  it('from/to: dates are whole UTC days, datetimes are exact (to exclusive)', async () => {
    const t = seeded();
    const byDay = (await t.stats('?websiteId=w1&from=2024-01-07&to=2024-01-07')).body;
    expect(byDay).toMatchObject({
      from: '2024-01-07T00:00:00.000Z',
      to: '2024-01-08T00:00:00.000Z',
      pageviews: 1,
      click_events: 1,
      total_sessions: 1,
    });
    const exact = (await t.stats(`?websiteId=w1&from=2024-01-15T10:00:00Z&to=2024-01-15T11:00:00Z`))
      .body;
    expect(exact).toMatchObject({ pageviews: 1, total_sessions: 1 });
    const open = (await t.stats(`?from=${T0 - HOUR}`)).body;
    expect(open).toMatchObject({ pageviews: 7, to: null });
  });

  it('400 for bad dates, bad periods, mixed or reversed ranges', async () => {
    const t = seeded();
    for (const q of [
      '?from=yesterday',
      '?to=2024-13-45',
      '?period=1y',
      '?period=7d&from=2024-01-01',
      '?from=2024-02-01&to=2024-01-01',
      '?from=2024-01-31T25:00:00Z',
    ]) {
      const { status, body } = await t.stats(q);
      expect(status, q).toBe(400);
      expect((body as unknown as { error: { code: string; message: string } }).error.code, q).toBe(
        'invalid_fields',
      );
    }
    const { body } = await t.stats('?from=yesterday');
    expect((body as unknown as { error: { message: string } }).error.message).toContain('from');
  });

  it('404 for an unknown website', async () => {
    const { status, body } = await seeded().stats('?websiteId=nope');
    expect(status).toBe(404);
    expect(body).toEqual({ error: { code: 'not_found', message: 'unknown website "nope"' } });
  });

  it('zeros (not NaN) for a website without data', async () => {
    const t = seeded();
    addWebsite(t.db, 'empty');
    const { body } = await t.stats('?websiteId=empty');
    expect(body).toMatchObject({
      pageviews: 0,
      total_sessions: 0,
      bounce_rate: 0,
      avg_duration_ms: 0,
      visitors: 0,
    });
  });
});
