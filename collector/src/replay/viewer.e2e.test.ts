/**
 * The replay viewer in real Chromium: a page is recorded with @rrweb/record, its events are
 * stored as chunks the way ingest stores them, and /replay/:id#key=… must play them inside
 * rrweb's sandboxed iframe with no page errors. Screenshot: test-artifacts/replay-viewer.png.
 */
import { serve } from '@hono/node-server';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../app.js';
import { createApiKey } from '../auth/api-keys.js';
import { resolveContext } from '../context.js';
import { openDatabase, type OpenDatabase } from '../db/client.js';
import { hashPasswordSync } from '../auth/passwords.js';
import { events as eventsTable, sessions, users, userWebsites, websites } from '../db/schema.js';
import { storeReplay } from './store.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

interface Collector {
  url: string;
  websiteId: string;
  database: OpenDatabase;
  all<T>(sql: string): T[];
  close(): Promise<void>;
}
interface Site {
  url: string;
  close(): Promise<void>;
}

function portOf(server: {
  address(): unknown;
  once(e: 'listening', f: () => void): unknown;
}): Promise<number> {
  return new Promise((ok) => {
    const addr = server.address() as AddressInfo | null;
    if (addr) return ok(addr.port);
    server.once('listening', () => ok((server.address() as AddressInfo).port));
  });
}

async function startCollector(): Promise<Collector> {
  const dir = mkdtempSync(join(tmpdir(), 'sightline-replay-e2e-'));
  const database = openDatabase(join(dir, 'sightline.db'));
  const websiteId = 'replay-site';
  database.db
    .insert(websites)
    .values({ id: websiteId, name: 'E2E', domain: '127.0.0.1', createdAt: Date.now() })
    .run();
  const server = serve({ fetch: createApp({ database }).fetch, port: 0, hostname: '127.0.0.1' });
  const port = await portOf(server);
  return {
    url: `http://127.0.0.1:${port}`,
    websiteId,
    database,
    all: (sql) => database.sqlite.prepare(sql).all() as never,
    close: async () => {
      await new Promise<void>((ok) => server.close(() => ok()));
      database.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The recorded site, on `localhost` (another origin than the collector). */
async function startSite(pages: Record<string, string>): Promise<Site> {
  const server = createServer((req, res) => {
    const body = pages[new URL(req.url ?? '/', 'http://x').pathname];
    if (body === undefined) res.writeHead(404).end('not found');
    else res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(body);
  });
  server.listen(0, '127.0.0.1');
  const port = await portOf(server);
  return {
    url: `http://localhost:${port}`,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}

function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

// @rrweb/record is the sdk's dependency; its UMD bundle is injected into the recorded page
const recordScript = join(
  dirname(createRequire(join(repoRoot, 'sdk', 'package.json')).resolve('@rrweb/record')),
  'record.umd.min.cjs',
);
const artifacts = join(repoRoot, 'test-artifacts');
const SESSION = 'replay-e2e-session';
const SECRET = 'hunter2-typed-secret';

const page1 = `<!doctype html><html><head><title>Shop</title>
<style>
  body { font-family: sans-serif; margin: 0; background: #fafafa; }
  header { background: #123456; color: #fff; padding: 16px 24px; }
  main { padding: 24px; } .card { background: #fff; border: 1px solid #ddd; padding: 16px; margin: 12px 0; }
  .tall { height: 1400px; }
</style></head>
<body>
<header><h1>Recorded Shop Heading</h1></header>
<main>
  <div class="card"><h2>Blue running shoes</h2><p>Light, quick and comfortable.</p>
    <button id="add">Add to cart</button> <span id="cart">0 items</span></div>
  <form class="card"><label>Email <input id="email" type="text"></label>
    <label>Password <input id="pw" type="password"></label></form>
  <ul id="list"></ul>
  <div class="tall"></div>
</main>
<script>
  document.getElementById('add').addEventListener('click', function () {
    var n = document.querySelectorAll('#list li').length + 1;
    document.getElementById('cart').textContent = n + ' items';
    var li = document.createElement('li'); li.textContent = 'Added item number ' + n;
    document.getElementById('list').appendChild(li);
  });
</script>
</body></html>`;

async function record(browser: Browser, site: Site): Promise<unknown[]> {
  const page = await browser.newPage();
  await page.goto(`${site.url}/shop`);
  await page.addScriptTag({ path: recordScript });
  await page.evaluate(() => {
    const w = window as unknown as { rrwebRecord: { record?: unknown }; __ev: unknown[] };
    const rec = (w.rrwebRecord.record ?? w.rrwebRecord) as (o: object) => void;
    w.__ev = [];
    rec({
      emit: (e: unknown) => w.__ev.push(e),
      maskAllInputs: true,
      sampling: { mousemove: 50, scroll: 150 },
    });
  });
  await page.click('#add');
  await page.fill('#email', SECRET);
  await page.fill('#pw', SECRET);
  await page.click('#add');
  await page.mouse.wheel(0, 600);
  await page.waitForTimeout(400);
  await page.click('#add');
  await page.mouse.wheel(0, -600);
  await page.waitForTimeout(300);
  const events = await page.evaluate(() => (window as unknown as { __ev: unknown[] }).__ev);
  await page.close();
  return events;
}

/** Splits the recording in chunks as the recorder would, and stores them out of order. */
function store(c: Collector, events: { timestamp: number }[]): void {
  const ctx = resolveContext({ database: c.database });
  const first = events[0]!.timestamp;
  c.database.db
    .insert(sessions)
    .values({
      websiteId: c.websiteId,
      id: SESSION,
      visitorId: 'v-e2e',
      startedAt: first,
      endedAt: events.at(-1)!.timestamp,
    })
    .run();
  const last = events.at(-1)!.timestamp;
  const marks = [
    { id: 'pv-1', ts: first, type: 'pageview', path: '/shop' },
    {
      id: 'ck-1',
      ts: Math.round((first + last) / 2),
      type: 'click',
      path: '/shop',
      props: { text: 'Add to cart' },
    },
  ];
  for (const m of marks) {
    c.database.db
      .insert(eventsTable)
      .values({ websiteId: c.websiteId, sessionId: SESSION, visitorId: 'v-e2e', ...m })
      .run();
  }
  const size = Math.ceil(events.length / 3);
  const chunks = [0, 1, 2]
    .map((i) => {
      const part = events.slice(i * size, (i + 1) * size);
      const text = JSON.stringify(part);
      return {
        id: `e2e-chunk-${i}`,
        seq: i,
        encoding: 'gzip+base64' as const,
        data: gzipSync(text).toString('base64'),
        count: part.length,
        startTs: part[0]!.timestamp,
        endTs: part.at(-1)!.timestamp,
        rawBytes: Buffer.byteLength(text),
      };
    })
    .filter((ch) => ch.count > 0);
  for (const ch of chunks.reverse())
    storeReplay(ctx, { websiteId: c.websiteId, sessionId: SESSION }, { replayChunks: [ch] });
}

function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  return errors;
}

describe.skipIf(!existsSync(CHROMIUM))('replay viewer in Chromium', { timeout: 60_000 }, () => {
  let browser: Browser;
  let collector: Collector;
  let site: Site;
  let key: string;

  beforeAll(async () => {
    collector = await startCollector();
    site = await startSite({ '/shop': page1 });
    browser = await launchChromium();
    key = createApiKey(collector.database.db, {
      id: 'viewer-key',
      name: 'viewer',
      scopes: ['read'],
      websiteId: collector.websiteId,
      now: Date.now(),
    }).key;
    const events = (await record(browser, site)) as { timestamp: number; type: number }[];
    expect(events.filter((e) => e.type === 2)).toHaveLength(1);
    store(collector, events);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await site?.close();
    await collector?.close();
  });

  it('never stores the typed values', () => {
    const rows = collector.all<{ data: Buffer }>('SELECT data FROM replay_chunks');
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(gunzipSync(r.data).toString('utf8')).not.toContain(SECRET);
    const [size] = collector.all<{ raw: number; stored: number }>(
      'SELECT sum(raw_bytes) AS raw, sum(stored_bytes) AS stored FROM replay_chunks',
    );
    console.log(
      `replay stored/raw: ${size!.stored}/${size!.raw} = ${(size!.stored / size!.raw).toFixed(3)}`,
    );
  });

  it('plays the recording inside the sandboxed iframe without page errors', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors = watchErrors(page);
    await page.goto(`${collector.url}/replay/${SESSION}#key=${key}`);
    await page.waitForSelector('body[data-state="playing"]', { timeout: 20_000 });
    const frame = page.frameLocator('.replayer-wrapper iframe');
    await expect
      .poll(() => frame.locator('h1').textContent(), { timeout: 10_000 })
      .toBe('Recorded Shop Heading');
    await expect
      .poll(() => frame.locator('#list li').count(), { timeout: 15_000 })
      .toBeGreaterThan(0);
    const sandbox = await page.locator('.replayer-wrapper iframe').getAttribute('sandbox');
    expect(sandbox).toBe('allow-same-origin');
    // recorded markup is never part of the viewer page itself
    expect(await page.locator('body > main h1').count()).toBe(0);
    expect(page.url()).not.toContain('key=');
    expect(await page.locator('.sl-timeline .sl-mark').count()).toBe(2);
    await page.locator('.sl-event.sl-click').click();
    await expect.poll(() => frame.locator('h1').textContent()).toBe('Recorded Shop Heading');
    const speeds = await page
      .locator('.rr-controller .switch, .rr-controller button')
      .allTextContents();
    expect(speeds.join(' ')).toMatch(/8x/);
    mkdirSync(artifacts, { recursive: true });
    await page.waitForTimeout(500);
    await page.screenshot({ path: join(artifacts, 'replay-viewer.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('says what is wrong without a key, with a bad key, and for an unknown session', async () => {
    const page = await browser.newPage();
    const errors = watchErrors(page);
    await page.goto(`${collector.url}/replay/${SESSION}`);
    await expect.poll(() => page.locator('#sl-status').textContent()).toMatch(/Not signed in/);
    await page.goto('about:blank');
    await page.goto(`${collector.url}/replay/${SESSION}#key=sl_wrong`);
    await expect
      .poll(() => page.locator('#sl-status').textContent())
      .toMatch(/API key was refused/);
    await page.goto('about:blank');
    await page.goto(`${collector.url}/replay/nope#key=${key}`);
    await expect.poll(() => page.locator('#sl-status').textContent()).toMatch(/No session with id/);
    expect(errors.filter((e) => !/Failed to load resource/.test(e))).toEqual([]);
    await page.close();
  });

  it('plays for a signed-in user through the session cookie, without a key in the link', async () => {
    const password = 'viewer password 123';
    collector.database.db
      .insert(users)
      .values({
        id: 'viewer-user',
        email: 'viewer@example.com',
        role: 'viewer',
        passwordHash: hashPasswordSync(password),
        createdAt: Date.now(),
      })
      .run();
    collector.database.db
      .insert(userWebsites)
      .values({ userId: 'viewer-user', websiteId: collector.websiteId })
      .run();
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors = watchErrors(page);
    // the login answer sets the HttpOnly cookie in this browser context
    const login = await context.request.post(`${collector.url}/api/auth/login`, {
      data: { email: 'viewer@example.com', password },
    });
    expect(login.status()).toBe(200);
    await page.goto(`${collector.url}/replay/${SESSION}`);
    await page.waitForSelector('body[data-state="playing"]', { timeout: 20_000 });
    const frame = page.frameLocator('.replayer-wrapper iframe');
    await expect
      .poll(() => frame.locator('h1').textContent(), { timeout: 10_000 })
      .toBe('Recorded Shop Heading');
    expect(errors).toEqual([]);
    await context.close();
  });
});
