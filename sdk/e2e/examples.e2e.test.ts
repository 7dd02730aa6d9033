import type { Browser } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { serve } from '@hono/node-server';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../collector/src/app.js';
import { openDatabase } from '../../collector/src/db/client.js';
import { websites } from '../../collector/src/db/schema.js';
import { distDir, launchChromium, repoRoot, waitFor } from './harness.js';

/**
 * The demo that `npm start` serves: the example site and SPA, unchanged, in Chromium. The pages
 * carry no test override, so the browser hides its automation flag as a real visitor's would.
 */
describe('examples served at /demo/', () => {
  let browser: Browser;
  const database = openDatabase(':memory:');
  let url = '';
  let server: ReturnType<typeof serve>;
  const all = (sql: string) => database.sqlite.prepare(sql).all() as Record<string, unknown>[];

  beforeAll(async () => {
    database.db
      .insert(websites)
      .values({ id: 'demo-site', name: 'Demo', domain: 'localhost', createdAt: Date.now() })
      .run();
    const app = createApp({ database, assetsDir: distDir, demoDir: join(repoRoot, 'examples') });
    await new Promise<void>((ok) => {
      server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
        url = `http://localhost:${info.port}`;
        ok();
      });
    });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((ok) => server.close(() => ok()));
    database.close();
  });

  async function visitor() {
    const page = await browser.newPage();
    await page.addInitScript(() =>
      Object.defineProperty(Navigator.prototype, 'webdriver', { get: () => false }),
    );
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    return { page, errors };
  }

  it('the multi-page site tracks pageviews, custom events and identify', async () => {
    const { page, errors } = await visitor();
    await page.goto(`${url}/demo/`);
    await page.click('#signup');
    await page.click('#identify');
    await Promise.all([page.waitForURL(/pricing\.html$/), page.click('text=Pricing')]);
    await waitFor(
      () => all("select 1 from events where type = 'pageview'").length === 2,
      'two pageviews',
    );
    await waitFor(
      () => all("select 1 from events where type = 'identify'").length === 1,
      'identify',
    );
    const custom = all("select name, props from events where type = 'custom'");
    expect(custom).toEqual([{ name: 'signup', props: '{"plan":"pro"}' }]);
    mkdirSync(join(repoRoot, 'test-artifacts'), { recursive: true });
    await page.screenshot({ path: join(repoRoot, 'test-artifacts', 'demo-site.png') });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('the SPA on the npm build counts one pageview per route', async () => {
    const before = all("select 1 from events where type = 'pageview'").length;
    const { page, errors } = await visitor();
    await page.goto(`${url}/demo/spa/`);
    await page.click('text=Products');
    await page.click('text=Settings');
    await page.click('text=Settings'); // same URL: not counted again
    await page.click('#cta');
    await waitFor(
      () => all("select 1 from events where type = 'custom' and name = 'spa_cta'").length === 1,
      'spa custom event',
    );
    const paths = all("select path from events where type = 'pageview'")
      .slice(before)
      .map((r) => r.path);
    expect(paths).toEqual(['/demo/spa/', '/demo/spa/products', '/demo/spa/settings']);
    await page.screenshot({ path: join(repoRoot, 'test-artifacts', 'demo-spa.png') });
    expect(errors).toEqual([]);
    await page.close();
  });
});
