import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { websites } from '../db/schema.js';
import { ingestApp, noon, seedCollect } from './ingest-fixtures.js';

const pageview = (i: number, websiteId = 'site-1') => ({
  ...seedCollect,
  websiteId,
  eventId: `ev-${websiteId}-${i}`,
});

function allowOnly(f: ReturnType<typeof ingestApp>, domains: string[]) {
  f.database.db
    .update(websites)
    .set({ allowedDomains: domains })
    .where(eq(websites.id, 'site-1'))
    .run();
}

describe('allowed domains', () => {
  it('a website that lists domains takes browser events only from them (and their subdomains)', async () => {
    const f = ingestApp();
    allowOnly(f, ['shop.example']);
    const cases = [
      ['https://shop.example', 202],
      ['https://www.shop.example', 202],
      ['http://shop.example:8080', 202],
      ['https://evil.example', 403],
      ['https://shop.example.evil.example', 403],
      ['https://notshop.example', 403],
      ['null', 403],
    ] as const;
    let i = 0;
    for (const [origin, status] of cases) {
      const res = await f.post('/collect', pageview(i++), { origin });
      expect(res.status, origin).toBe(status);
      if (status === 202) {
        expect(res.headers.get('access-control-allow-origin'), origin).toBe(origin);
      } else {
        // no CORS grant: the refusing page cannot even read the answer
        expect(res.headers.get('access-control-allow-origin'), origin).toBeNull();
        expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(
          /may not send events for website site-1/,
        );
      }
    }
    expect(f.all('SELECT count(*) AS n FROM events')).toEqual([{ n: 3 }]);
    // server-side senders (no Origin header) are not browsers and stay accepted
    expect((await f.post('/collect', pageview(99))).status).toBe(202);
    // batches follow the same rule
    const batch = {
      metadata: { websiteId: 'site-1', sessionId: 'session-1', url: 'https://shop.example/' },
      analytics: [{ type: 'click', tag: 'A', x: 1, y: 2, timestamp: noon, eventId: 'click-1' }],
    };
    expect((await f.post('/api/events', batch, { origin: 'https://evil.example' })).status).toBe(
      403,
    );
    expect((await f.post('/api/events', batch, { origin: 'https://shop.example' })).status).toBe(
      202,
    );
  });

  it('a website without allowed domains takes events from any origin', async () => {
    const f = ingestApp();
    const res = await f.post('/collect', pageview(1), { origin: 'https://anything.example' });
    expect(res.status).toBe(202);
  });
});

describe('ingest rate limits', () => {
  it('per client address: 429 with Retry-After under load, nothing stored for refused requests, then recovery', async () => {
    const f = ingestApp({
      trustProxy: true,
      limits: { ingestPerIp: { perSecond: 2, burst: 10 } },
    });
    const burst = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        f.post('/collect', pageview(i), { 'x-forwarded-for': '203.0.113.7' }),
      ),
    );
    const statuses = burst.map((r) => r.status);
    expect(statuses.filter((s) => s === 202)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(30);
    const refused = burst.find((r) => r.status === 429)!;
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
    expect(f.all('SELECT count(*) AS n FROM events')).toEqual([{ n: 10 }]);
    // another address is not affected
    expect(
      (await f.post('/collect', pageview(100), { 'x-forwarded-for': '198.51.100.1' })).status,
    ).toBe(202);
    // after waiting, the address is served again
    f.setNow(noon + 5000);
    expect(
      (await f.post('/collect', pageview(101), { 'x-forwarded-for': '203.0.113.7' })).status,
    ).toBe(202);
  });

  it('per website: one busy website is limited, the others are not', async () => {
    const f = ingestApp({ limits: { ingestPerWebsite: { perSecond: 1, burst: 3 } } });
    const results = [];
    for (let i = 0; i < 5; i++) results.push((await f.post('/collect', pageview(i))).status);
    expect(results).toEqual([202, 202, 202, 429, 429]);
    expect((await f.post('/collect', pageview(0, 'site-2'))).status).toBe(202);
    f.setNow(noon + 1000);
    expect((await f.post('/collect', pageview(10))).status).toBe(202);
  });
});
