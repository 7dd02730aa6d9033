import { serve } from '@hono/node-server';
import type { Browser, Page } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../collector/src/app.js';
import { openDatabase } from '../../collector/src/db/client.js';
import { firstRun } from '../../collector/src/setup/first-run.js';
import { distDir, launchChromium, repoRoot, waitFor } from './harness.js';

/**
 * The demo that `npm start` serves at /demo/: the example site and SPA in Chromium, as a
 * newcomer would click through them. The examples are served unchanged except for the test
 * override, which the browser adds on the way in (`data-allow-bots` on the site's tag,
 * `allowBots` in the SPA's `init`): the committed pages carry none.
 */
const ADMIN_KEY = 'sl_example_admin_key_123456';
const artifacts = join(repoRoot, 'test-artifacts');

interface Row {
  type: string;
  name: string | null;
  path: string | null;
  user_id: string | null;
  scroll_depth: number | null;
  props: string | null;
}

describe('examples served at /demo/', () => {
  const database = openDatabase(':memory:');
  // as on a first start: the default website (whose id the demo pages get) and an admin key
  firstRun(database.db, { now: Date.now(), randomId: randomUUID, adminKey: ADMIN_KEY });
  const app = createApp({ database, assetsDir: distDir, demoDir: join(repoRoot, 'examples') });
  let server: ReturnType<typeof serve>;
  let browser: Browser;
  let url = '';

  const rows = (where: string): Row[] =>
    database.sqlite.prepare(`select * from events where ${where} order by ts`).all() as Row[];
  const paths = (where: string) => rows(`type = 'pageview' and ${where}`).map((r) => r.path);
  const stats = async () =>
    (await app.request('/stats', { headers: { Authorization: `Bearer ${ADMIN_KEY}` } })).json();

  beforeAll(async () => {
    await new Promise<void>((ok) => {
      // on localhost: the examples' tags carry data-allow-localhost, as a newcomer's would
      server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
        url = `http://localhost:${info.port}`;
        ok();
      });
    });
    browser = await launchChromium();
    mkdirSync(artifacts, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((ok) => server.close(() => ok()));
    database.close();
  });

  /** A fresh visitor; the demo files pass through a rewrite that adds the test override. */
  async function visitor(): Promise<{ page: Page; errors: string[] }> {
    const page = await (await browser.newContext()).newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.route('**/demo/**', async (route) => {
      const response = await route.fetch();
      const body = await response.text();
      const file = new URL(route.request().url()).pathname;
      const html = response.headers()['content-type']?.includes('text/html');
      const patched =
        html && body.includes('src="/script.js"')
          ? body.replace('src="/script.js"', 'src="/script.js" data-allow-bots="true"')
          : file.endsWith('/spa/app.js')
            ? body.replace('init({', 'init({ allowBots: true,')
            : body;
      // a throw here would only stall the request: report a missed rewrite as a page error
      if (patched === body && (html ? body.includes('/script.js') : file.endsWith('.js')))
        errors.push(`no test override added to ${file}`);
      await route.fulfill({ response, body: patched });
    });
    // the outbound link leaves for github.com: answer it here, the network is closed
    await page.route('https://github.com/**', (r) =>
      r.fulfill({ contentType: 'text/html', body: '<p>elsewhere</p>' }),
    );
    return { page, errors };
  }

  it('the multi-page site: pageviews, signup, identify, call form, scroll depth, outbound', async () => {
    const { page, errors } = await visitor();
    await page.goto(`${url}/demo/`);
    await expect
      .poll(() => page.textContent('.demo-bar'))
      .toContain('open /stats with your admin key to see these events');
    await page.click('#signup');
    await page.click('#identify');
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    await page.screenshot({ path: join(artifacts, 'demo-site.png') });
    await Promise.all([page.waitForURL(/pricing\.html$/), page.click('nav >> text=Pricing')]);
    await page.click('#choose-pro');
    await Promise.all([page.waitForURL(/about\.html$/), page.click('nav >> text=About')]);
    await Promise.all([page.waitForURL(/\/demo\/$/), page.click('nav >> text=Home')]);
    await Promise.all([page.waitForURL(/github\.com/), page.click('#outbound')]);

    // the outbound click travels in the beacon sent when the page goes away
    await waitFor(() => rows("type = 'outbound'").length === 1, 'outbound event');
    expect(paths("path not like '/demo/spa/%'")).toEqual([
      '/demo/',
      '/demo/pricing.html',
      '/demo/about.html',
      '/demo/',
    ]);
    const custom = rows("type = 'custom'").map((r) => [r.name, JSON.parse(r.props!)]);
    expect(custom).toEqual([
      ['signup', { plan: 'pro' }],
      ['plan_selected', { plan: 'pro' }],
    ]);
    expect(rows("type = 'identify'")).toMatchObject([{ user_id: 'demo-user' }]);
    expect(JSON.parse(rows("type = 'outbound'")[0]!.props!)).toMatchObject({
      href: 'https://github.com/rrweb-io/rrweb',
    });
    // the first pageview ended at the bottom of the long section
    expect(rows("type = 'scroll' and path = '/demo/'")[0]?.scroll_depth).toBe(100);
    expect(rows('type = \'click\' and props like \'%"id":"signup"%\'')).toHaveLength(1);

    expect(await stats()).toMatchObject({
      pageviews: 4,
      custom_events: 2,
      identify_events: 1,
      outbound_events: 1,
      total_sessions: 1,
    });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('the SPA on the npm build: one pageview per route change, #/ tabs, custom event', async () => {
    const { page, errors } = await visitor();
    await page.goto(`${url}/demo/spa/`);
    await page.click('#add-task');
    await page.click('nav >> text=Projects');
    await page.click('#sort'); // replaceState on the same path: no pageview
    await expect.poll(() => page.evaluate(() => location.search)).toBe('?sort=open');
    await page.click('nav >> text=Settings');
    await page.click('nav >> text=Settings'); // the same URL again: not counted
    await page.click('.tabs >> text=notifications'); // #/ route, counted with hashRouting
    await page.screenshot({ path: join(artifacts, 'demo-spa.png') });
    await page.goBack(); // popstate
    await expect.poll(() => page.evaluate(() => location.hash)).toBe('');
    // a reload on a client route: the collector answers with the SPA's index.html
    await page.goto(`${url}/demo/spa/projects`);
    await expect.poll(() => page.textContent('h1')).toBe('Projects');

    await waitFor(() => paths("path like '/demo/spa/%'").length >= 6, 'six SPA pageviews');
    expect(paths("path like '/demo/spa/%'")).toEqual([
      '/demo/spa/',
      '/demo/spa/projects',
      '/demo/spa/settings',
      '/demo/spa/settings#/notifications',
      '/demo/spa/settings',
      '/demo/spa/projects',
    ]);
    const custom = rows("type = 'custom' and path like '/demo/spa/%'");
    expect(custom).toMatchObject([{ name: 'task_added', path: '/demo/spa/' }]);
    expect(JSON.parse(custom[0]!.props!)).toEqual({ count: 4 });
    expect(errors).toEqual([]);
    await page.close();
  });
});
