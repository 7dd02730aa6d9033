import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  desktopUserAgent,
  launchChromium,
  snippet,
  startCollector,
  startSite,
  waitFor,
  type Collector,
  type Site,
} from './harness.js';

interface EventRow {
  type: string;
  path: string | null;
  name: string | null;
  session_id: string;
  visitor_id: string;
  user_id: string | null;
  scroll_depth: number | null;
  engaged_ms: number | null;
  props: string | null;
}

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

function events(c: Collector, type?: string): EventRow[] {
  return type
    ? c.all<EventRow>('select * from events where type = ? order by ts', type)
    : c.all<EventRow>('select * from events order by ts');
}
const props = (e: EventRow | undefined) => JSON.parse(e?.props ?? '{}') as Record<string, unknown>;

describe('script tag on a multi-page site', () => {
  let c: Collector;
  let site: Site;
  beforeAll(async () => {
    c = await startCollector();
    const tag = snippet(c, { 'data-flush-interval': '60000' });
    site = await startSite({
      '/': `<!doctype html><html><head><title>Home</title>${tag}</head><body>
        <h1>Home</h1>
        <button id="signup" class="btn primary">  Sign up now  </button>
        <input id="email" value="secret@example.com">
        <a id="next" href="/about">About us</a>
        <a id="out" href="${c.url}/health">Elsewhere</a>
        <div style="height:5000px">long</div>
      </body></html>`,
      '/about': `<!doctype html><html><head><title>About</title>${tag}</head><body>
        <h1>About</h1><a id="out" href="${c.url}/health">Elsewhere</a>
      </body></html>`,
    });
  });
  afterAll(async () => {
    await site?.close();
    await c?.close();
  });

  it('stores pageviews, clicks, outbound, scroll depth, custom and identify', async () => {
    const page = await browser.newPage({
      viewport: { width: 1280, height: 800 },
      userAgent: desktopUserAgent,
    });
    await page.goto(`${site.url}/?utm_source=newsletter`);
    await waitFor(() => events(c, 'pageview').length === 1, 'first pageview');

    await page.click('#signup');
    await page.click('#email');
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight / 2));
    await page.waitForTimeout(300);
    await page.evaluate(() => {
      const s = (window as unknown as { sightline: Record<string, (...a: unknown[]) => void> })
        .sightline;
      s.track!('signup', { plan: 'pro', seats: 3 });
      s.identify!('user-42', { company: 'Acme' });
    });
    await waitFor(() => events(c, 'custom').length === 1, 'custom event');
    await waitFor(() => events(c, 'identify').length === 1, 'identify event');

    // Navigating away: the queued clicks and the scroll of "/" travel by beacon on page hide.
    await Promise.all([page.waitForURL(/\/about$/), page.click('#next')]);
    await waitFor(() => events(c, 'pageview').length === 2, 'second pageview');
    await Promise.all([page.waitForURL(/\/health$/), page.click('#out')]);
    await waitFor(() => events(c, 'outbound').length === 1, 'outbound event');
    await waitFor(() => events(c, 'scroll').length === 2, 'scroll events of both pages');
    await page.close();

    const pageviews = events(c, 'pageview');
    expect(pageviews.map((e) => e.path?.split('?')[0])).toEqual(['/', '/about']);

    // the collector keeps the tag in the `name` column and the other click fields in props
    const clicks = events(c, 'click').map((e): Record<string, unknown> => ({
      ...props(e),
      tag: e.name,
    }));
    expect(clicks.length).toBeGreaterThanOrEqual(4);
    const signup = clicks.find((p) => p.id === 'signup');
    expect(signup).toMatchObject({ tag: 'BUTTON', text: 'Sign up now' });
    expect(String(signup?.class)).toContain('btn');
    expect(typeof signup?.x).toBe('number');
    const emailClick = clicks.find((p) => p.id === 'email');
    expect(JSON.stringify(emailClick)).not.toContain('secret@example.com');
    expect(clicks.find((p) => p.id === 'next')?.href).toMatch(/\/about$/);

    expect(events(c, 'outbound')[0]?.name).toBe(`${c.url}/health`);

    const [homeScroll] = events(c, 'scroll');
    expect(homeScroll?.scroll_depth).toBeGreaterThanOrEqual(40);
    expect(homeScroll?.engaged_ms).toBeGreaterThan(0);

    const custom = events(c, 'custom')[0];
    expect(custom?.name).toBe('signup');
    expect(props(custom)).toMatchObject({ plan: 'pro', seats: 3 });
    expect(events(c, 'identify')[0]?.user_id).toBe('user-42');

    const sessions = c.all<Record<string, unknown>>('select * from sessions');
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({
      pageviews: 2,
      user_id: 'user-42',
      utm_source: 'newsletter',
    });
    expect(new Set(events(c).map((e) => e.session_id)).size).toBe(1);
  });
});

describe('script tag in a single-page app', () => {
  let c: Collector;
  let site: Site;
  beforeAll(async () => {
    c = await startCollector();
    const page = (attrs: Record<string, string>) =>
      `<!doctype html><html><head>${snippet(c, attrs)}</head><body><h1>SPA</h1></body></html>`;
    site = await startSite({
      '/hash.html': page({ 'data-hash-routing': 'true' }),
      '*': page({}),
    });
  });
  afterAll(async () => {
    await site?.close();
    await c?.close();
  });

  it('counts pushState, path-changing replaceState and popstate, never twice', async () => {
    const page = await browser.newPage({ userAgent: desktopUserAgent });
    await page.goto(`${site.url}/`);
    await waitFor(() => events(c, 'pageview').length === 1, 'initial pageview');
    await page.evaluate(async () => {
      const tick = () => new Promise((r) => setTimeout(r, 50));
      history.pushState({}, '', '/a');
      await tick();
      history.pushState({}, '', '/a'); // same URL: not counted again
      await tick();
      history.replaceState({}, '', '/a?tab=2'); // same path: not a pageview
      await tick();
      history.replaceState({}, '', '/b'); // path changed: a pageview
      await tick();
      location.hash = 'section'; // no hash routing: not a pageview
      await tick();
      history.go(-2); // popstate back to the first "/a" entry
      await tick();
      await tick();
    });
    await waitFor(() => events(c, 'pageview').length >= 4, 'SPA pageviews');
    await page.waitForTimeout(500);
    expect(events(c, 'pageview').map((e) => e.path)).toEqual(['/', '/a', '/b', '/a']);
    await page.close();
  });

  it('counts #/route changes with data-hash-routing', async () => {
    const before = events(c, 'pageview').length;
    const page = await browser.newPage({ userAgent: desktopUserAgent });
    await page.goto(`${site.url}/hash.html`);
    await page.evaluate(async () => {
      location.hash = '#/settings';
      await new Promise((r) => setTimeout(r, 100));
      location.hash = '#/settings'; // unchanged: no event
      await new Promise((r) => setTimeout(r, 100));
    });
    await waitFor(() => events(c, 'pageview').length === before + 2, 'hash pageviews');
    await page.waitForTimeout(300);
    const paths = events(c, 'pageview')
      .slice(before)
      .map((e) => e.path);
    expect(paths).toEqual(['/hash.html', '/hash.html#/settings']);
    await page.close();
  });
});

describe('bots', () => {
  let c: Collector;
  let site: Site;
  beforeAll(async () => {
    c = await startCollector();
    const tag = snippet(c, { 'data-allow-bots': 'false', 'data-flush-interval': '1000' });
    site = await startSite({
      '/': `<!doctype html><html><head>${tag}</head><body><button id="b">Go</button></body></html>`,
    });
  });
  afterAll(async () => {
    await site?.close();
    await c?.close();
  });

  it('a real headless browser without the override sends nothing', async () => {
    const page = await browser.newPage();
    const loaded = page.waitForResponse((r) => r.url().endsWith('/script.js') && r.ok());
    const sent: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST') sent.push(r.url());
    });
    await page.goto(`${site.url}/`);
    await loaded;
    await page.waitForFunction(() => 'sightline' in window);
    await page.click('#b');
    await page.evaluate(() =>
      (window as unknown as { sightline: { track(n: string): void } }).sightline.track('x'),
    );
    await page.waitForTimeout(1500);
    await page.goto('about:blank');
    await new Promise((r) => setTimeout(r, 500));
    expect(sent).toEqual([]);
    expect(events(c)).toEqual([]);
  });
});
