/**
 * Session replay end to end in real Chromium: the built script.js injects recorder.js, rrweb
 * records typing, scrolling, DOM changes, an SPA navigation and a reload; the collector stores the
 * chunks; the API answers them in time order without the typed values; the viewer plays them.
 * Screenshot: test-artifacts/replay-e2e.png.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../collector/src/auth/api-keys.js';
import type { BatchPayload } from '../src/protocol.js';
import {
  desktopUserAgent,
  launchChromium,
  repoRoot,
  snippet,
  startCollector,
  startSite,
  waitFor,
  type Collector,
  type Site,
} from './harness.js';

const TEXT = 'typed-text-value-4711';
const PASSWORD = 'hunter2-pass-0815';
const MASKED_TEXT = 'masked-paragraph-text';
const BLOCKED_TEXT = 'blocked-widget-text';

interface RrwebEvent {
  type: number;
  timestamp: number;
  data: { href?: string };
}
interface ChunkRow {
  session_id: string;
  seq: number;
  start_ts: number;
  event_count: number;
  raw_bytes: number;
  stored_bytes: number;
  data: Buffer;
}

const page = (tag: string) => `<!doctype html><html><head><title>Form</title>
  <style>body{font-family:sans-serif} .box{padding:8px;border:1px solid #ccc}</style>${tag}</head>
  <body>
    <h1>Sign up</h1>
    <p class="sl-mask">${MASKED_TEXT}</p>
    <div data-sl-block class="box">${BLOCKED_TEXT}</div>
    <label>Name <input id="name" type="text"></label>
    <label>Password <input id="pw" type="password"></label>
    <button id="add" onclick="const li=document.createElement('li');li.textContent='item '+list.children.length;list.appendChild(li)">Add</button>
    <a id="spa" href="/form/step-2" onclick="event.preventDefault();history.pushState({},'', this.href);document.querySelector('h1').textContent='Step 2'">Next</a>
    <ul id="list"></ul>
    <div style="height:4000px">long</div>
  </body></html>`;

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

const newPage = () =>
  browser.newPage({ viewport: { width: 1280, height: 800 }, userAgent: desktopUserAgent });

/** Every request body the page sends to the collector, and whether recorder.js was requested. */
function watch(p: Page, c: Collector) {
  const seen = { bodies: [] as string[], recorder: 0, errors: [] as string[] };
  p.on('request', (r) => {
    if (!r.url().startsWith(c.url)) return;
    if (r.url().endsWith('/recorder.js')) seen.recorder++;
    const body = r.postData();
    if (body) seen.bodies.push(body);
  });
  p.on('pageerror', (e) => seen.errors.push(e.message));
  return seen;
}

const chunks = (c: Collector) =>
  c.all<ChunkRow>('select * from replay_chunks order by start_ts, seq');
const inflate = (rows: ChunkRow[]) => rows.map((r) => gunzipSync(r.data).toString('utf8'));

/** Types, scrolls, mutates the DOM, navigates by pushState and reloads. */
async function interact(p: Page) {
  await p.type('#name', TEXT, { delay: 10 });
  await p.type('#pw', PASSWORD, { delay: 10 });
  await p.mouse.move(200, 200);
  await p.mouse.move(400, 300, { steps: 5 });
  await p.click('#add');
  await p.click('#add');
  await p.mouse.wheel(0, 1200);
  await p.waitForTimeout(300);
  await p.evaluate(() => window.scrollTo(0, 0));
  await p.click('#spa');
  await p.waitForTimeout(300);
  // the tab is hidden while events are buffered: they leave at once, uncompressed
  await p.click('#add');
  await p.evaluate(() => {
    const set = (v: string) => {
      Object.defineProperty(document, 'visibilityState', { value: v, configurable: true });
      document.dispatchEvent(new Event('visibilitychange'));
    };
    set('hidden');
    set('visible');
  });
  // right before the reload: "item 3" is still buffered when the page unloads
  await p.click('#add');
  await p.reload();
}

describe('session replay with the script tag', () => {
  let c: Collector;
  let site: Site;
  beforeAll(async () => {
    c = await startCollector();
    const on = snippet(c, { 'data-replay': 'on', 'data-flush-interval': '1000' });
    site = await startSite({
      '/form': page(on),
      '/form/step-2': page(on),
      '/unmasked': page(
        snippet(c, {
          'data-replay': 'on',
          'data-flush-interval': '1000',
          'data-mask-all-inputs': 'false',
        }),
      ),
    });
  });
  afterAll(async () => {
    await site?.close();
    await c?.close();
  });

  let session = '';
  let sent: ReturnType<typeof watch>;

  it('stores a full snapshot per page load and never the typed values', async () => {
    const p = await newPage();
    sent = watch(p, c);
    await p.goto(`${site.url}/form`);
    await waitFor(() => chunks(c).length > 0, 'the first chunk (full snapshot)');
    await interact(p);
    // the reloaded page sends its own full snapshot at once
    await waitFor(
      () => inflate(chunks(c)).join().split('"type":2,').length - 1 >= 2,
      'a second full snapshot',
    );
    await p.mouse.move(100, 100);
    await p.waitForTimeout(1500); // one batch tick: a gzip chunk of incremental events
    await p.close(); // page hide: the tail goes by beacon as a json chunk
    await new Promise((r) => setTimeout(r, 500));

    const rows = chunks(c);
    session = rows[0]!.session_id;
    expect(new Set(rows.map((r) => r.session_id))).toEqual(new Set([session]));
    const events = inflate(rows).flatMap((t) => JSON.parse(t) as RrwebEvent[]);
    // compressed on the batch tick; page hide leaves no time, so the tail goes as json
    const encodings = sent.bodies.flatMap((b) =>
      ((JSON.parse(b) as BatchPayload).replayChunks ?? []).map((ch) => ch.encoding),
    );
    expect(new Set(encodings)).toEqual(new Set(['gzip+base64', 'json']));
    // the events buffered at unload arrived too (by beacon)
    expect(inflate(rows).join()).toContain('item 3');
    const snapshots = events.filter((e) => e.type === 2);
    expect(snapshots.length).toBeGreaterThanOrEqual(2);
    // each page load starts with Meta + FullSnapshot; the SPA navigation is a Meta-free change
    const metas = events.filter((e) => e.type === 4).map((e) => e.data.href);
    expect(metas.filter((h) => h?.endsWith('/form/step-2')).length).toBeGreaterThanOrEqual(1);
    expect(events.some((e) => e.type === 3)).toBe(true);

    const stored = inflate(rows).join('\n');
    for (const secret of [TEXT, PASSWORD, MASKED_TEXT, BLOCKED_TEXT])
      expect(stored).not.toContain(secret);
    // what left the browser, whatever the collector did with it
    for (const body of sent.bodies) {
      expect(body).not.toContain(TEXT);
      expect(body).not.toContain(PASSWORD);
    }
    expect(JSON.stringify(c.all('select * from events'))).not.toContain(TEXT);
    expect(sent.recorder).toBeGreaterThanOrEqual(1);
    expect(sent.errors).toEqual([]);

    const raw = rows.reduce((n, r) => n + r.raw_bytes, 0);
    const storedBytes = rows.reduce((n, r) => n + r.stored_bytes, 0);
    console.log(
      `replay e2e: ${rows.length} chunks, ${events.length} events, raw ${raw} B, stored ${storedBytes} B, ratio ${(storedBytes / raw).toFixed(3)}`,
    );
  });

  it('answers the events in time order through the API, without the typed values', async () => {
    const { key } = createApiKey(c.database.db, {
      id: 'replay-e2e',
      name: 'replay e2e',
      scopes: ['read'],
      websiteId: c.websiteId,
      now: Date.now(),
    });
    const auth = { headers: { authorization: `Bearer ${key}` } };
    const text = await (await fetch(`${c.url}/sessions/${session}/replay`, auth)).text();
    const events = JSON.parse(text) as RrwebEvent[];
    expect(events.filter((e) => e.type === 2).length).toBeGreaterThanOrEqual(2);
    const times = events.map((e) => e.timestamp);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const detail = await (await fetch(`${c.url}/sessions/${session}`, auth)).text();
    for (const secret of [TEXT, PASSWORD]) {
      expect(text).not.toContain(secret);
      expect(detail).not.toContain(secret);
    }

    const viewer = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    viewer.on('pageerror', (e) => errors.push(e.message));
    await viewer.goto(`${c.url}/replay/${session}#key=${key}`);
    await viewer.waitForSelector('body[data-state="playing"]', { timeout: 20_000 });
    const frame = viewer.frameLocator('.replayer-wrapper iframe');
    await expect
      .poll(() => frame.locator('h1').first().textContent(), { timeout: 10_000 })
      .toMatch(/Sign up|Step 2/);
    await viewer.waitForTimeout(1000);
    mkdirSync(join(repoRoot, 'test-artifacts'), { recursive: true });
    await viewer.screenshot({ path: join(repoRoot, 'test-artifacts', 'replay-e2e.png') });
    expect(errors).toEqual([]);
    await viewer.close();
  });

  it('masks passwords even with maskAllInputs off', async () => {
    const before = chunks(c).length;
    const p = await newPage();
    await p.goto(`${site.url}/unmasked`);
    await p.type('#name', 'visible-name', { delay: 5 });
    await p.type('#pw', PASSWORD, { delay: 5 });
    await p.close();
    const stored = await waitFor(() => {
      const t = inflate(chunks(c).slice(before)).join();
      return t.includes('visible-name') && t;
    }, 'the unmasked text input');
    expect(stored).not.toContain(PASSWORD);
  });

  it('delivers a full snapshot larger than the 64 KB beacon/keepalive limit', async () => {
    // random text barely compresses: this snapshot stays over 64 KB even gzipped and in base64
    const noise = Array.from(
      { length: 300 },
      (_, i) =>
        `<p>${i} ${Buffer.from(Array.from({ length: 300 }, () => Math.floor(Math.random() * 256))).toString('base64')}</p>`,
    ).join('');
    const big = await startSite({
      '/big': page(snippet(c, { 'data-replay': 'on', 'data-flush-interval': '1000' })).replace(
        '</body>',
        noise + '</body>',
      ),
    });
    const before = chunks(c).length;
    const p = await newPage();
    try {
      await p.goto(`${big.url}/big`);
      const rows = await waitFor(() => {
        const fresh = chunks(c).slice(before);
        return fresh.some((r) => inflate([r])[0]!.includes('"type":2,')) ? fresh : undefined;
      }, 'the big full snapshot');
      expect(Math.max(...rows!.map((r) => r.stored_bytes))).toBeGreaterThan(64 * 1024 * 0.75);
    } finally {
      await p.close();
      await big.close();
    }
  });

  it('records with the npm build, which loads the recorder chunk by import()', async () => {
    const esm = await startSite({
      '/spa': page(`<script type="module">
        import { init } from '${c.url}/sdk/index.js';
        init({ websiteId: '${c.websiteId}', apiUrl: '${c.url}', allowLocalhost: true,
          allowBots: true, replay: true, flushInterval: 1000 });
      </script>`),
    });
    const before = chunks(c).length;
    const p = await newPage();
    const modules: string[] = [];
    p.on('request', (r) => modules.push(r.url()));
    try {
      await p.goto(`${esm.url}/spa`);
      await waitFor(
        () => inflate(chunks(c).slice(before)).some((t) => t.includes('"type":2,')),
        'a full snapshot from the npm build',
      );
      expect(modules.filter((u) => u.endsWith('/recorder-entry.js'))).toHaveLength(1);
      // rrweb lives in the recorder bundles only
      for (const path of [
        '/script.js',
        '/sdk/index.js',
        '/recorder.js',
        '/sdk/recorder-entry.js',
      ]) {
        const code = await (await fetch(c.url + path)).text();
        expect(code.includes('takeFullSnapshot'), path).toBe(path.includes('recorder'));
      }
    } finally {
      await p.close();
      await esm.close();
    }
  });

  it('loads no recorder without data-replay, and records nothing at sample rate 0', async () => {
    const c2 = await startCollector();
    const site2 = await startSite({
      '/off': page(snippet(c2, { 'data-flush-interval': '1000' })),
      '/never': page(
        snippet(c2, {
          'data-replay': 'on',
          'data-replay-sample-rate': '0',
          'data-flush-interval': '1000',
        }),
      ),
    });
    try {
      for (const path of ['/off', '/never']) {
        const p = await newPage();
        const seen = watch(p, c2);
        await p.goto(`${site2.url}${path}`);
        await p.type('#name', 'x');
        await p.click('#add');
        await p.waitForTimeout(1200);
        await p.close();
        expect(seen.recorder).toBe(0);
        expect(seen.bodies.some((b) => b.includes('replayChunks'))).toBe(false);
      }
      await waitFor(
        () => c2.all("select 1 from events where type = 'pageview'").length >= 2,
        'the pageviews',
      );
      expect(chunks(c2)).toEqual([]);
    } finally {
      await site2.close();
      await c2.close();
    }
  });
});
