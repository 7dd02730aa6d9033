/**
 * Test support: traffic generated with a seeded PRNG and ingested through the real app, and a
 * brute-force computation of every report over the raw rows read back (the oracle the SQL
 * reports are checked against). Only tests import this file.
 */
import { addKey } from '../queries/test-fixtures.js';
import { chromeUa, iphoneUa, ingestApp } from '../routes/ingest-fixtures.js';
import type { SessionRow } from '../db/schema.js';
import { prng } from './prng.js';

export const firefoxUa =
  'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0';
const safariUa =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15';

export interface EventRow {
  website_id: string;
  ts: number;
  id: string;
  session_id: string;
  visitor_id: string;
  type: string;
  name: string | null;
  path: string | null;
  scroll_depth: number | null;
  engaged_ms: number | null;
  props: string | null;
}

export type Session = Pick<
  SessionRow,
  | 'id'
  | 'visitorId'
  | 'startedAt'
  | 'endedAt'
  | 'pageviews'
  | 'entryPath'
  | 'exitPath'
  | 'source'
  | 'browser'
  | 'country'
  | 'utmSource'
  | 'device'
  | 'os'
>;

const pages = ['/', '/pricing', '/blog/hello', '/blog/world', '/docs', '/signup'];
const referrers = [null, 'https://www.google.com/', 'https://news.ycombinator.com/item?id=1'];
const uas = [chromeUa, iphoneUa, firefoxUa, safariUa];
const countries = ['DE', 'US', 'IN', 'FR'];

/**
 * Generates `visitors` visitors with 1–3 sessions each between `start` and `start + spanMs`, and
 * ingests them: pageviews and custom events through `/collect`, clicks and scroll through
 * `/api/events`. Returns the app and the raw rows as stored.
 */
export async function generate(seed: number, start: number, spanMs: number, visitors = 40) {
  const r = prng(seed);
  const f = ingestApp({ trustProxy: true });
  const key = addKey(f.database.db, { scopes: ['admin'] });
  let n = 0;
  for (let v = 0; v < visitors; v++) {
    const visitorId = `visitor-${v}`;
    const ua = r.pick(uas);
    const country = r.pick(countries);
    for (let s = r.int(1, 3); s > 0; s--) {
      const sessionId = `session-${v}-${s}`;
      let t = start + Math.floor(r.next() * spanMs);
      const referrer = r.pick(referrers);
      const utm = r.next() < 0.3 ? `?utm_source=${r.pick(['newsletter', 'twitter'])}` : '';
      const views = r.int(1, 5);
      for (let i = 0; i < views; i++) {
        const page = r.pick(pages);
        f.setNow(t + 1000);
        const headers = { 'cf-ipcountry': country, 'user-agent': ua, 'accept-language': 'de-DE' };
        await f.post(
          '/collect',
          {
            type: 'pageview',
            websiteId: 'site-1',
            href: `https://example.com${page}${i === 0 ? utm : ''}`,
            referrer: i === 0 ? referrer : null,
            visitorId,
            sessionId,
            eventId: `pv-${++n}`,
            timestamp: t,
          },
          headers,
        );
        if (r.next() < 0.4) {
          await f.post(
            '/collect',
            {
              type: 'custom',
              websiteId: 'site-1',
              href: `https://example.com${page}`,
              name: r.pick(['signup', 'download']),
              props: { plan: r.pick(['pro', 'free']), cents: r.pick([900, 1900]) },
              visitorId,
              sessionId,
              eventId: `ce-${++n}`,
              timestamp: t + 500,
            },
            headers,
          );
        }
        if (r.next() < 0.6) {
          await f.post(
            '/api/events',
            {
              metadata: {
                websiteId: 'site-1',
                sessionId,
                visitorId,
                url: `https://example.com${page}`,
              },
              analytics: [
                { type: 'click', tag: 'A', x: 1, y: 2, timestamp: t + 700, eventId: `cl-${++n}` },
                {
                  type: 'scroll',
                  depth: r.int(10, 100),
                  engagedMs: r.int(1000, 60_000),
                  timestamp: t + 900,
                  eventId: `sc-${++n}`,
                },
              ],
            },
            headers,
          );
        }
        t += r.int(5_000, 240_000);
      }
    }
  }
  const events = f.all<EventRow>("SELECT * FROM events WHERE website_id = 'site-1'");
  const sessions = f
    .all<Record<string, unknown>>("SELECT * FROM sessions WHERE website_id = 'site-1'")
    .map(
      (s) =>
        ({
          id: s.id,
          visitorId: s.visitor_id,
          startedAt: s.started_at,
          endedAt: s.ended_at,
          pageviews: s.pageviews,
          entryPath: s.entry_path,
          exitPath: s.exit_path,
          source: s.source,
          browser: s.browser,
          country: s.country,
          utmSource: s.utm_source,
          device: s.device,
          os: s.os,
        }) as Session,
    );
  return { ...f, key, events, sessions };
}
