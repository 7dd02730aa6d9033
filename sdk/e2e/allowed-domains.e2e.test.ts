/**
 * Allowed domains in a real browser: the built script.js on a page served from `localhost`, for a
 * website that lists its allowed domains. Events from a page on another domain are refused (403,
 * no CORS grant) and nothing is stored; once the page's domain is allowed, they are stored.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invalidateWebsiteCache } from '../../collector/src/ingest/websites.js';
import {
  launchChromium,
  snippet,
  startCollector,
  startSite,
  waitFor,
  type Collector,
  type Site,
} from './harness.js';

let browser: Browser;
let c: Collector;
let site: Site;

beforeAll(async () => {
  browser = await launchChromium();
  c = await startCollector();
  const tag = snippet(c);
  site = await startSite({
    '/': `<!doctype html><html><head><title>Shop</title>${tag}</head><body>
      <button id="buy">Buy</button>
      <script>document.getElementById('buy').onclick = () => sightline.track('buy', { sku: 'A1' });</script>
    </body></html>`,
  });
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
  await c?.close();
});

function allow(domains: string[]) {
  c.database.sqlite
    .prepare('UPDATE websites SET allowed_domains = ? WHERE id = ?')
    .run(JSON.stringify(domains), c.websiteId);
  invalidateWebsiteCache(c.database, c.websiteId);
}

const count = () => c.all<{ n: number }>('SELECT count(*) AS n FROM events')[0]!.n;

describe('allowed domains hold for browser requests', () => {
  it('a page on a domain the website does not allow stores nothing', async () => {
    allow(['shop.example']);
    const page = await browser.newPage();
    const sent: string[] = [];
    const outcomes: string[] = [];
    page.on('request', (r) => r.url().startsWith(c.url + '/collect') && sent.push(r.url()));
    // without a CORS grant the page may not read the answer: the fetch fails for the page
    page.on('requestfailed', (r) => r.url().startsWith(c.url) && outcomes.push('failed'));
    page.on(
      'response',
      (r) => r.url().startsWith(c.url + '/collect') && outcomes.push(String(r.status())),
    );
    await page.goto(site.url + '/');
    await page.click('#buy');
    await waitFor(() => sent.length >= 2 && outcomes.length >= 2, 'the pageview and custom event');
    expect(outcomes.every((o) => o === 'failed' || o === '403')).toBe(true);
    await page.close(); // the beacon on hide is refused too
    await new Promise((r) => setTimeout(r, 300));
    expect(count()).toBe(0);
  });

  it('once the page’s domain is allowed, the same page is tracked', async () => {
    allow(['shop.example', 'localhost']);
    const page = await browser.newPage();
    await page.goto(site.url + '/');
    await page.click('#buy');
    const rows = await waitFor(() => {
      const r = c.all<{ type: string; name: string | null }>('SELECT type, name FROM events');
      return r.length >= 2 ? r : undefined;
    }, 'pageview and custom event stored');
    expect(rows!.map((r) => r.type).sort()).toEqual(['custom', 'pageview']);
    await page.close();
  });
});
