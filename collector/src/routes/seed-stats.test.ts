/** SPEC §3.2's original payloads, sent as the original script.js sent them, show up in /stats. */
import { describe, expect, it } from 'vitest';
import { addKey, addWebsite, testApp } from '../queries/test-fixtures.js';

const UA =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';

describe('seed payloads → /stats', () => {
  it('counts the original /collect and /api/events payloads', async () => {
    const t = testApp();
    addWebsite(t.db, 'site-1');
    const key = addKey(t.db);
    const send = async (path: string, body: unknown, type = 'text/plain') => {
      const res = await t.app.request(path, {
        method: 'POST',
        headers: { 'Content-Type': type, 'User-Agent': UA },
        body: JSON.stringify(body),
      });
      expect(res.status, `${path} ${await res.clone().text()}`).toBeLessThan(300);
    };
    const ids = { visitorId: 'visitor-1', sessionId: 'session-1' };
    await send('/collect', {
      type: 'pageview',
      websiteId: 'site-1',
      domain: 'example.com',
      href: 'https://example.com/',
      referrer: null,
      viewport: { width: 1920, height: 1080 },
      ...ids,
    });
    await send(
      '/collect',
      {
        type: 'identify',
        websiteId: 'site-1',
        href: 'https://example.com/',
        userId: 'u1',
        traits: { plan: 'pro' },
        ...ids,
      },
      'application/json',
    );
    await send('/collect', {
      type: 'custom',
      websiteId: 'site-1',
      href: 'https://example.com/',
      name: 'signup',
      props: { plan: 'pro' },
      ...ids,
    });
    await send('/api/events', {
      metadata: {
        sessionId: 'session-1',
        url: 'https://example.com/',
        screen: '1920x1080',
        timestamp: '2024-01-01T00:00:00.000Z',
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
          data: { href: 'https://example.com/', width: 1920, height: 1080 },
          timestamp: 1704067200000,
        },
        {
          type: 2,
          data: { node: { type: 0, childNodes: [], id: 1 }, initialOffset: { left: 0, top: 0 } },
          timestamp: 1704067200001,
        },
        { type: 3, data: { source: 1, positions: [] }, timestamp: 1704067200002 },
      ],
    });
    const res = await t.get('/stats', key);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      pageviews: 1,
      identify_events: 1,
      custom_events: 1,
      click_events: 1,
      rrweb_events: 3,
      total_sessions: 1,
      visitors: 1,
      bounce_rate: 1,
    });
    const session = (await (await t.get('/sessions/session-1', key)).json()) as {
      events: { type: string }[];
      userId: string | null;
    };
    expect(session.events.map((e) => e.type).sort()).toEqual([
      'click',
      'custom',
      'identify',
      'pageview',
    ]);
  });
});
