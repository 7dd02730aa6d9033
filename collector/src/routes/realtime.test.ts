import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { addKey } from '../queries/test-fixtures.js';
import { chromeUa, ingestApp, noon, seedCollect } from './ingest-fixtures.js';

describe('realtime', () => {
  it('summary: visitors in the last 5 minutes, pageviews per minute, top pages', async () => {
    const f = ingestApp();
    const key = addKey(f.database.db, { scopes: ['read'] });
    for (const [i, ago, page, visitor] of [
      [1, 30_000, '/a', 'v1'],
      [2, 90_000, '/a', 'v2'],
      [3, 4 * 60_000, '/b', 'v1'],
      [4, 20 * 60_000, '/c', 'v3'],
    ] as const) {
      await f.post('/collect', {
        ...seedCollect,
        href: `https://example.com${page}`,
        visitorId: visitor,
        sessionId: `s-${visitor}`,
        eventId: `e${i}`,
        timestamp: noon - ago,
      });
    }
    const res = await f.app.request('/api/realtime?websiteId=site-1', {
      headers: { Authorization: `Bearer ${key}` },
    });
    const body = (await res.json()) as {
      visitors: number;
      pageviewsPerMinute: { minute: string; pageviews: number }[];
      topPages: { page: string; visitors: number }[];
    };
    expect(body.visitors).toBe(2);
    expect(body.pageviewsPerMinute).toHaveLength(30);
    expect(body.pageviewsPerMinute.reduce((a, m) => a + m.pageviews, 0)).toBe(4);
    expect(body.pageviewsPerMinute.at(-1)).toEqual({
      minute: '2024-01-01T12:00:00.000Z',
      pageviews: 0,
    });
    expect(body.topPages).toEqual([
      { page: '/a', visitors: 2 },
      { page: '/b', visitors: 1 },
    ]);
    expect((await f.app.request('/api/realtime?websiteId=site-1')).status).toBe(401);
  });

  it('stream: committed events arrive over SSE, only for the website asked for, with auth', async () => {
    const f = ingestApp();
    const key = addKey(f.database.db, { scopes: ['read'], websiteId: 'site-1' });
    const server = serve({ fetch: f.app.fetch, port: 0, hostname: '127.0.0.1' });
    if (!server.address()) await new Promise((r) => server.once('listening', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      expect((await fetch(`${url}/api/realtime/stream?websiteId=site-1`)).status).toBe(401);
      const other = await fetch(`${url}/api/realtime/stream?websiteId=site-2`, {
        headers: { Authorization: `Bearer ${key}` },
      });
      expect(other.status).toBe(403);
      const abort = new AbortController();
      const res = await fetch(`${url}/api/realtime/stream?websiteId=site-1`, {
        headers: { Authorization: `Bearer ${key}` },
        signal: abort.signal,
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
      const reader = res.body!.getReader();
      const decoder = new TextDecoder();
      let text = '';
      const until = async (re: RegExp) => {
        while (!re.test(text)) {
          const { value, done } = await reader.read();
          if (done) throw new Error(`stream ended: ${text}`);
          text += decoder.decode(value);
        }
      };
      await until(/event: ready/);
      // another website's event is not streamed; this website's is, once committed
      await fetch(`${url}/collect`, {
        method: 'POST',
        headers: { 'user-agent': chromeUa }, // node's own agent would be dropped as a bot
        body: JSON.stringify({
          ...seedCollect,
          websiteId: 'site-2',
          href: 'https://example.com/other',
        }),
      });
      await fetch(`${url}/collect`, {
        method: 'POST',
        headers: { 'user-agent': chromeUa }, // node's own agent would be dropped as a bot
        body: JSON.stringify({
          ...seedCollect,
          href: 'https://example.com/live',
          eventId: 'live-1',
        }),
      });
      await until(/event: events\ndata: .*\n\n/);
      const data = JSON.parse(/event: events\ndata: (.*)\n/.exec(text)![1]!) as {
        path: string;
        type: string;
      }[];
      expect(data).toEqual([expect.objectContaining({ type: 'pageview', path: '/live' })]);
      expect(text).not.toContain('/other');
      abort.abort();
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
