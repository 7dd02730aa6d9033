/**
 * The extras bundle in real Chromium: the built script.js injects extras.js at once (the page's
 * load event may still be far off), and its clicks, rage clicks, dead clicks and JS errors reach
 * the collector; a click made before extras.js arrives is stored once; with
 * `data-extras="false"` only the autocapture runs, and with it all off extras.js still loads
 * (it carries the batch queue) but sends no event of its own.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnalyticsEvent, BatchPayload } from '../src/protocol.js';
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
  name: string | null;
  props: string | null;
}

const body = `<body>
  <div id="rage" class="price">Buy now</div>
  <button id="dead">Does nothing</button>
  <button id="live" onclick="document.body.append('opened')">Opens</button>
  <button id="boom" onclick="throw new Error('e2e-boom-4711')">Breaks</button>
</body>`;

let browser: Browser;
let c: Collector;
let site: Site;
/** answers /slow.png, which holds the load event of /slow back */
let release: () => void;
const slowImage = new Promise<void>((ok) => (release = ok));
beforeAll(async () => {
  browser = await launchChromium();
  c = await startCollector();
  const page = (attrs: Record<string, string>, extra = '') =>
    `<!doctype html><html><head>${snippet(c, attrs)}</head>${body.replace('</body>', extra + '</body>')}</html>`;
  const off = { 'data-flush-interval': '60000', 'data-extras': 'false' };
  site = await startSite(
    {
      '/': page({ 'data-flush-interval': '60000' }),
      '/off': page(off),
      '/all-off': page({
        ...off,
        'data-track-clicks': 'false',
        'data-track-scroll': 'false',
        'data-track-outbound': 'false',
      }),
      '/slow': page({ 'data-flush-interval': '60000' }, '<img src="/slow.png" alt="">'),
    },
    { '/slow.png': slowImage },
  );
});
afterAll(async () => {
  await site?.close();
  await c?.close();
  await browser?.close();
});

/**
 * Opens `path`, recording the URLs requested and the analytics events of every batch sent;
 * `before` prepares the page first (routes).
 */
async function open(
  path: string,
  waitUntil: 'load' | 'domcontentloaded' = 'load',
  before?: (page: Page) => Promise<unknown>,
) {
  const page = await browser.newPage({ userAgent: desktopUserAgent });
  await before?.(page);
  const requested: string[] = [];
  const sent: AnalyticsEvent[] = [];
  page.on('request', (r) => {
    requested.push(r.url());
    if (r.method() === 'POST' && r.url().endsWith('/api/events'))
      sent.push(...(JSON.parse(r.postData() ?? '{}') as BatchPayload).analytics);
  });
  await page.goto(site.url + path, { waitUntil });
  await page.waitForFunction(() => 'sightline' in window);
  return { page, requested, sent };
}

const flush = (page: Page) =>
  page.evaluate(() => (window as unknown as { sightline: { flush(): void } }).sightline.flush());

describe('extras.js', () => {
  it('loads once, and rage clicks, dead clicks and errors reach the collector', async () => {
    const { page, requested, sent } = await open('/');
    await page.waitForFunction(
      () => !!(window as { __sightlineBundles?: { extras?: unknown } }).__sightlineBundles?.extras,
    );
    expect(requested.filter((u) => u.endsWith('/extras.js'))).toEqual([`${c.url}/extras.js`]);
    expect(requested.some((u) => u.endsWith('/recorder.js'))).toBe(false);
    await page.click('#rage', { clickCount: 3, delay: 50 });
    await page.click('#dead');
    await page.waitForTimeout(1200); // dead clicks are judged a second after the click
    await page.click('#live');
    await page.click('#boom');
    await page.waitForTimeout(1200);
    await flush(page);

    const stored = await waitFor((): EventRow[] | undefined => {
      const rows = c.all<EventRow>(
        "select type, name, props from events where type in ('rageclick', 'deadclick', 'error')",
      );
      return rows.length >= 4 ? rows : undefined;
    }, 'rage click, dead click and error rows');
    const byType = (t: string) => stored!.filter((r) => r.type === t);
    expect(byType('rageclick')).toHaveLength(1);
    expect(byType('rageclick')[0]?.name).toBe('DIV');
    expect(JSON.parse(byType('rageclick')[0]?.props ?? '{}')).toMatchObject({
      selector: '#rage',
      text: 'Buy now',
      count: 3,
    });
    // #live changed the DOM; #boom only threw, which changes nothing: a dead click too
    const dead = byType('deadclick').map((r) => JSON.parse(r.props ?? '{}').selector);
    expect(dead.sort()).toEqual(['#boom', '#dead']);
    expect(byType('error')).toHaveLength(1);
    expect(byType('error')[0]?.name).toContain('e2e-boom-4711');

    // the wire events as the page sent them
    expect(sent.find((e) => e.type === 'rageclick')).toMatchObject({
      tag: 'DIV',
      id: 'rage',
      class: 'price',
      count: 3,
      x: expect.any(Number),
      y: expect.any(Number),
      eventId: expect.any(String),
    });
    expect(sent.find((e) => e.type === 'error')).toMatchObject({
      message: expect.stringContaining('e2e-boom-4711'),
      line: expect.any(Number),
      stack: expect.stringContaining('e2e-boom-4711'),
    });
    await page.close();
  });

  it('is requested while the page still loads; a click before it arrives is stored once, with its fields', async () => {
    let arrive!: () => void;
    const held = new Promise<void>((ok) => (arrive = ok));
    const { page, requested, sent } = await open('/slow', 'domcontentloaded', (p) =>
      p.route('**/extras.js', async (route) => {
        await held; // a slow network: extras.js arrives only after the click below
        await route.continue();
      }),
    );
    // the slow image still holds the load event back, and extras.js is on its way already
    expect(await page.evaluate(() => document.readyState)).not.toBe('complete');
    await waitFor(() => requested.some((u) => u.endsWith('/extras.js')), 'the extras.js request');
    const arrived = () =>
      page.evaluate(
        () =>
          !!(window as { __sightlineBundles?: { extras?: unknown } }).__sightlineBundles?.extras,
      );
    expect(await arrived()).toBe(false);
    await page.click('#dead'); // buffered by script.js
    const clickedAt = Date.now();
    await page.waitForTimeout(1000);
    expect(await arrived()).toBe(false);
    arrive();
    release();
    await page.waitForFunction(
      () => !!(window as { __sightlineBundles?: { extras?: unknown } }).__sightlineBundles?.extras,
    );
    await flush(page);
    const row = await waitFor(
      () =>
        c.all<EventRow & { ts: number }>(
          "select type, name, props, ts from events where type = 'click' and path = '/slow'",
        )[0],
      'the early click',
    );
    await page.waitForTimeout(300);
    expect(c.all("select * from events where type = 'click' and path = '/slow'")).toHaveLength(1);
    expect(row?.name).toBe('BUTTON');
    expect(JSON.parse(row?.props ?? '{}')).toMatchObject({
      id: 'dead',
      text: 'Does nothing',
      selector: '#dead',
      x: expect.any(Number),
      y: expect.any(Number),
    });
    // stamped at the click, not when extras.js arrived
    expect(Math.abs(row!.ts - clickedAt)).toBeLessThan(500);
    expect(sent.filter((e) => e.type === 'click')).toEqual([
      expect.objectContaining({ tag: 'BUTTON', id: 'dead', eventId: expect.any(String) }),
    ]);
    await page.close();
  });

  it('with data-extras="false" only clicks and scroll run (no rage, dead or error); with all off extras.js still comes (the batch queue) and sends no event', async () => {
    const before = c.all('select * from events where type = ?', 'click').length;
    const { page, requested, sent } = await open('/off');
    await page.waitForLoadState('load');
    await page.click('#rage', { clickCount: 3, delay: 50 });
    await page.click('#dead');
    await page.click('#boom');
    await page.waitForTimeout(1300);
    await flush(page);
    await waitFor(
      () => c.all('select * from events where type = ?', 'click').length >= before + 5,
      'the clicks of the page without extras',
    );
    expect(requested.filter((u) => u.includes('/extras.js'))).toEqual([`${c.url}/extras.js`]);
    expect(sent.map((e) => e.type).filter((t) => t !== 'click' && t !== 'scroll')).toEqual([]);
    await page.close();

    const all = await open('/all-off');
    await all.page.waitForLoadState('load');
    await all.page.waitForFunction(
      () => !!(window as { __sightlineBundles?: { extras?: unknown } }).__sightlineBundles?.extras,
    );
    await all.page.click('#rage', { clickCount: 3, delay: 50 });
    await all.page.click('#dead');
    await all.page.click('#boom');
    await all.page.mouse.wheel(0, 400);
    await all.page.waitForTimeout(1300);
    await flush(all.page);
    await all.page.evaluate(() => history.pushState({}, '', '/all-off/next')); // a pageview: no span to end
    await flush(all.page);
    await all.page.waitForTimeout(300);
    expect(all.requested.filter((u) => u.includes('/extras.js'))).toEqual([`${c.url}/extras.js`]);
    expect(all.requested.filter((u) => u.endsWith('/api/events'))).toEqual([]);
    expect(all.sent).toEqual([]);
    await all.page.close();
  });
});
