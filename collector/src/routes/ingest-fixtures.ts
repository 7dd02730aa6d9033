import { createApp } from '../app.js';
import type { AppDeps } from '../context.js';
import { openDatabase, type OpenDatabase } from '../db/client.js';
import { websites } from '../db/schema.js';

/** A desktop Chrome on Windows. */
export const chromeUa =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';
export const iphoneUa =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1';

/** 2024-01-01T12:00:00Z: the seed payloads' click timestamp (midnight) is within the window. */
export const noon = Date.parse('2024-01-01T12:00:00Z');

/** The original `/collect` payload of SPEC §3.2. */
export const seedCollect = {
  type: 'pageview',
  websiteId: 'site-1',
  domain: 'example.com',
  href: 'https://example.com/pricing?plan=pro',
  referrer: null,
  viewport: { width: 1920, height: 1080 },
  visitorId: 'visitor-1',
  sessionId: 'session-1',
};

/** The original `/api/events` payload of SPEC §3.2 (no websiteId: attributed through the session). */
export const seedBatch = {
  metadata: {
    sessionId: 'session-1',
    url: 'https://example.com/pricing',
    screen: '1920x1080',
    timestamp: '2024-01-01T00:00:05.000Z',
  },
  analytics: [
    {
      type: 'click',
      tag: 'BUTTON',
      id: 'submit-btn',
      class: 'btn',
      text: 'Submit',
      x: 100,
      y: 200,
      timestamp: 1704067200000,
    },
  ],
  replay: [
    {
      type: 4,
      data: { href: 'https://example.com/pricing', width: 1920, height: 1080 },
      timestamp: 1704067200000,
    },
    { type: 2, data: {}, timestamp: 1704067200001 },
  ],
};

/** An app on a fresh in-memory database with website `site-1` (and `site-2`), a settable clock. */
export function ingestApp(
  deps: Partial<AppDeps> = {},
  beforeApp?: (database: OpenDatabase) => void,
) {
  const database = openDatabase(':memory:');
  beforeApp?.(database);
  let t = noon;
  let n = 0;
  for (const id of ['site-1', 'site-2']) {
    database.db
      .insert(websites)
      .values({ id, name: id, domain: 'example.com', createdAt: t })
      .run();
  }
  const app = createApp({ database, now: () => t, randomId: () => `rid-${++n}`, ...deps });
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    app.request(path, {
      method: 'POST',
      body: typeof body === 'string' ? body : JSON.stringify(body),
      headers: { 'content-type': 'text/plain;charset=UTF-8', 'user-agent': chromeUa, ...headers },
    });
  const all = <T = Record<string, unknown>>(sql: string, ...params: unknown[]) =>
    database.sqlite.prepare(sql).all(...params) as T[];
  return { app, database, post, all, setNow: (v: number) => (t = v) };
}
