import { describe, expect, it } from 'vitest';
import { ingestApp, noon, seedBatch, seedCollect } from './ingest-fixtures.js';

const { visitorId: _v, sessionId: _s, ...cookieless } = seedCollect;
const ip = '198.51.100.23';

describe('cookieless ingest', () => {
  it('derives the visitor from a daily-salted hash and the session from a 30-minute window', async () => {
    const f = ingestApp({ trustProxy: true });
    const headers = { 'x-forwarded-for': `${ip}, 10.0.0.1` };
    await f.post('/collect', cookieless, headers);
    f.setNow(noon + 20 * 60000);
    await f.post('/collect', { ...cookieless, href: 'https://example.com/next' }, headers);
    await f.post(
      '/api/events',
      {
        metadata: { websiteId: 'site-1', url: 'https://example.com/next', cookieless: true },
        analytics: [{ ...seedBatch.analytics[0]!, timestamp: noon + 20 * 60000 }],
      },
      headers,
    );
    f.setNow(noon + 60 * 60000);
    await f.post('/collect', cookieless, headers);
    await f.post('/collect', cookieless, { 'x-forwarded-for': '198.51.100.99' });
    f.setNow(noon + 86400000);
    await f.post('/collect', cookieless, headers);

    const sessions = f.all<{
      visitor_id: string;
      pageviews: number;
      clicks: number;
      cookieless: number;
    }>(
      'SELECT visitor_id, pageviews, clicks, cookieless FROM sessions ORDER BY started_at, visitor_id',
    );
    expect(sessions.map((s) => [s.pageviews, s.clicks, s.cookieless])).toEqual([
      [2, 1, 1],
      [1, 0, 1],
      [1, 0, 1],
      [1, 0, 1],
    ]);
    const visitors = sessions.map((s) => s.visitor_id);
    expect(visitors[0]).toMatch(/^[0-9a-f]{32}$/);
    // Same visitor an hour later (new session), another IP is another visitor, tomorrow is new too.
    const sameHourLater = sessions.filter((s) => s.visitor_id === visitors[0]);
    expect(sameHourLater).toHaveLength(2);
    expect(new Set(visitors).size).toBe(3);
    expect(f.all('SELECT DISTINCT visitor_id FROM events WHERE ts < ?', noon + 30 * 60000)).toEqual(
      [{ visitor_id: visitors[0] }],
    );
  });

  it('never stores the IP in any column of any table', async () => {
    const f = ingestApp({ trustProxy: true });
    await f.post('/collect', cookieless, { 'x-forwarded-for': ip, 'x-real-ip': ip });
    await f.post(
      '/collect',
      { ...seedCollect, type: 'custom', name: 'x', props: { a: 1 } },
      { 'x-forwarded-for': ip },
    );
    const tables = f.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'");
    let rows = 0;
    for (const { name } of tables) {
      for (const row of f.all(`SELECT * FROM "${name}"`)) {
        rows++;
        expect(JSON.stringify(row)).not.toContain(ip);
      }
    }
    expect(rows).toBeGreaterThan(3);
  });

  it('ignores X-Forwarded-For unless the proxy is trusted', async () => {
    const f = ingestApp();
    await f.post('/collect', cookieless, { 'x-forwarded-for': '198.51.100.1' });
    await f.post('/collect', cookieless, { 'x-forwarded-for': '198.51.100.2' });
    expect(f.all('SELECT count(DISTINCT visitor_id) AS n FROM events')).toEqual([{ n: 1 }]);
  });
});
