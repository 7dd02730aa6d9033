import { afterEach, describe, expect, it, vi } from 'vitest';
import { init } from './index.js';

describe('npm entry in a browser', () => {
  afterEach(() => vi.restoreAllMocks());

  it('starts once: a second init returns the first tracker and wraps history only once', async () => {
    const fetch = vi.spyOn(window, 'fetch').mockResolvedValue(new Response(null, { status: 202 }));
    const first = init({
      websiteId: 'site-1',
      apiUrl: 'https://stats.example',
      allowLocalhost: true,
      allowBots: true, // happy-dom is an automated browser
    });
    const second = init({ websiteId: 'site-2', apiUrl: 'https://other.example' });
    expect(second).toBe(first);
    window.history.pushState({}, '', '/next');
    await new Promise((r) => setTimeout(r, 0));
    const pageviews = fetch.mock.calls
      .map(([url, init]) => ({ url: String(url), body: JSON.parse(String(init?.body)) }))
      .filter((c) => c.url.endsWith('/collect') && c.body.type === 'pageview');
    expect(pageviews.map((p) => new URL(p.body.href).pathname)).toEqual(['/', '/next']);
    expect(pageviews.every((p) => p.url === 'https://stats.example/collect')).toBe(true);
    expect(pageviews[0]!.body.websiteId).toBe('site-1');
  });
});
