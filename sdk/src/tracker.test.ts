import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  fakeEnv,
  fakeWindow,
  heldExtras,
  loadFromSource,
  replayChunk,
  setVisibility,
  startTracker,
  type TestWindow,
} from '../test/fakes.js';
import { parseConfig } from './config.js';
import { browserEnv } from './env.js';
import { sample, type Recorder } from './replay/loader.js';
import { createTracker } from './tracker.js';
import type { Batched, Load } from './trackers/core.js';

afterEach(() => vi.restoreAllMocks());

describe('where the tracker sends nothing', () => {
  const sends = (options: Parameters<typeof startTracker>[0], w: TestWindow) => {
    const { env, t } = startTracker(options, { w });
    t.track('x');
    return env.posts.length > 0;
  };

  it('automation: webdriver, headless/bot user agents and driver globals — unless allowBots', () => {
    const webdriver = () => {
      const w = fakeWindow();
      Object.defineProperty(w.navigator, 'webdriver', { value: true });
      return w;
    };
    expect(sends({}, webdriver())).toBe(false);
    expect(sends({ allowBots: true }, webdriver())).toBe(true);
    for (const ua of [
      'Mozilla/5.0 HeadlessChrome/120',
      'Googlebot/2.1',
      'Mozilla/5.0 (compatible; Chrome-Lighthouse)',
    ])
      expect(sends({}, fakeWindow(undefined, ua))).toBe(false);
    for (const g of ['_phantom', 'callPhantom', '__nightmare', 'Cypress', 'domAutomation']) {
      const w = fakeWindow();
      (w as unknown as Record<string, unknown>)[g] = {};
      expect(sends({}, w)).toBe(false);
    }
    expect(
      sends({}, fakeWindow(undefined, 'Mozilla/5.0 (Linux; Android 13; Cubot X) Chrome/120')),
    ).toBe(true);
  });

  it('Do-Not-Track and Global Privacy Control only with respectDnt', () => {
    const dnt = (k: string, v: unknown) => {
      const w = fakeWindow();
      Object.defineProperty(w.navigator, k, { value: v });
      return w;
    };
    expect(sends({ respectDnt: true }, dnt('doNotTrack', '1'))).toBe(false);
    expect(sends({ respectDnt: true }, dnt('globalPrivacyControl', true))).toBe(false);
    expect(sends({}, dnt('doNotTrack', '1'))).toBe(true);
    expect(sends({ respectDnt: true }, dnt('doNotTrack', '0'))).toBe(true);
  });

  it('hosts not listed in domain', () => {
    expect(sends({ domain: 'shop.example,site.example' }, fakeWindow())).toBe(true);
    expect(sends({ domain: 'shop.example' }, fakeWindow())).toBe(false);
  });

  it('localhost and file: pages unless allowed', () => {
    for (const url of ['http://localhost:3000/', 'http://127.0.0.1/', 'http://[::1]/']) {
      expect(sends({}, fakeWindow(url))).toBe(false);
      expect(sends({ allowLocalhost: true }, fakeWindow(url))).toBe(true);
    }
    // a public host that merely starts with "localhost" or "127." is not local
    expect(sends({}, fakeWindow('http://localhost.shop.example/'))).toBe(true);
    expect(sends({}, fakeWindow('http://127.shop.example/'))).toBe(true);
    expect(sends({}, fakeWindow('http://127.0.0.53/'))).toBe(false);
    expect(sends({}, fakeWindow('file:///home/me/page.html'))).toBe(false);
    expect(sends({ allowFileProtocol: true }, fakeWindow('file:///home/me/page.html'))).toBe(true);
  });

  it('without a website id', () => {
    expect(sends({ websiteId: '' }, fakeWindow())).toBe(false);
  });

  it('after optOut (remembered across page loads) until optIn', async () => {
    const storage = new Map<string, string>();
    const a = startTracker({}, { env: fakeEnv(storage) });
    a.t.optOut();
    a.t.track('x');
    a.d.body.innerHTML = '<button>b</button>';
    a.d.querySelector('button')!.dispatchEvent(new a.w.MouseEvent('click', { bubbles: true }));
    a.t.flush();
    expect(a.env.posts).toHaveLength(1); // only the pageview before opting out
    const b = startTracker({}, { env: fakeEnv(storage) });
    expect(b.env.posts).toEqual([]);
    b.t.optIn();
    b.t.track('y');
    expect(b.env.collects().map((p) => p.name)).toEqual(['y']);
  });
});

describe('API', () => {
  it('custom events with props and identify with traits go to /collect at once', () => {
    const { env, t } = startTracker();
    t.track('signup', { plan: 'pro' });
    t.identify('user-42', { company: 'Acme' });
    const [, custom, identify] = env.collects();
    expect(custom).toMatchObject({
      type: 'custom',
      name: 'signup',
      props: { plan: 'pro' },
      websiteId: 'site-1',
    });
    expect(identify).toMatchObject({
      type: 'identify',
      userId: 'user-42',
      traits: { company: 'Acme' },
    });
    expect(new Set(env.collects().map((p) => p.eventId)).size).toBe(3);
  });

  it('batches carry the page, website and ids once, in their metadata', async () => {
    const { env, d, w, t } = startTracker();
    await env.settle(); // the extras (clicks) have started
    d.body.innerHTML = '<button>b</button>';
    d.querySelector('button')!.dispatchEvent(new w.MouseEvent('click', { bubbles: true }));
    t.flush();
    await env.settle();
    const [batch] = env.batches();
    const [pageview] = env.collects();
    expect(batch?.metadata).toMatchObject({
      websiteId: 'site-1',
      url: 'https://site.example/',
      screen: expect.stringMatching(/^\d+x\d+$/),
      visitorId: pageview?.visitorId,
      sessionId: pageview?.sessionId,
    });
    expect(batch?.analytics[0]).toMatchObject({
      type: 'click',
      url: 'https://site.example/',
      eventId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      timestamp: env.now(),
    });
  });

  it('debug logs what is sent and why nothing is; disableConsole silences it', () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    startTracker({ debug: true });
    expect(log).toHaveBeenCalledWith('[sightline]', expect.objectContaining({ type: 'pageview' }));
    log.mockClear();
    startTracker({ debug: true }, { w: fakeWindow('http://localhost/') });
    expect(log).toHaveBeenCalledWith('[sightline]', 'off', 3);
    log.mockClear();
    startTracker({ debug: true, disableConsole: true });
    startTracker({ debug: true, disableConsole: true }, { w: fakeWindow('http://localhost/') });
    startTracker();
    expect(log).not.toHaveBeenCalled();
  });

  it('never throws into the page: throwing storage and network (real browserEnv)', async () => {
    const w = fakeWindow();
    const fail = () => {
      throw new Error('SecurityError');
    };
    Object.defineProperty(w, 'localStorage', { get: fail });
    Object.defineProperty(w, 'fetch', { value: () => Promise.reject(new TypeError('offline')) });
    Object.defineProperty(w.navigator, 'sendBeacon', { value: fail });
    const c = parseConfig({ websiteId: 'site-1' });
    const t = createTracker(c, browserEnv(w), w, () => Promise.resolve(undefined));
    for (const call of [
      () => t.track('x'),
      () => t.identify('u'),
      () => t.pageview('/p'),
      () => t.flush(),
      () => t.optOut(),
      () => t.optIn(),
      () => t.startReplay(),
      () => t.stopReplay(),
    ])
      expect(call).not.toThrow();
    expect(() => t.pageview('http://[bad')).not.toThrow();
    expect(() => w.history.pushState({}, '', '/x')).not.toThrow();
    w.document.body.innerHTML = '<button>b</button>';
    expect(() =>
      w.document
        .querySelector('button')!
        .dispatchEvent(new w.MouseEvent('click', { bubbles: true })),
    ).not.toThrow();
    expect(() => setVisibility(w, 'hidden')).not.toThrow();
    await new Promise<void>((ok) => queueMicrotask(ok));
  });
});

describe('replay seam', () => {
  /** a recorder stand-in; the extras come from source (or from `extras`) */
  const recorder = (extras: Load = loadFromSource) => {
    const r = { start: vi.fn<(core: Batched) => void>(), stop: vi.fn() } satisfies Recorder;
    const spy = vi.fn((name: string) =>
      name == 'recorder' ? Promise.resolve(r) : extras(name as 'extras'),
    );
    const loaded = () => spy.mock.calls.filter(([name]) => name == 'recorder').length;
    return { r, load: spy as unknown as Load, loaded };
  };

  it('loads nothing unless replay is on; startReplay/stopReplay drive the recorder', async () => {
    const { r, load, loaded } = recorder();
    const { t, env, c } = startTracker({}, { load });
    await env.settle();
    expect(loaded()).toBe(0);
    t.startReplay();
    await env.settle();
    expect(r.start).toHaveBeenCalledWith(expect.objectContaining({ c }));
    t.stopReplay();
    expect(r.stop).toHaveBeenCalled();
  });

  it('a stopReplay before the recorder arrived keeps it from starting', async () => {
    const { r, load } = recorder();
    const { t, env } = startTracker({}, { load });
    t.startReplay();
    t.stopReplay();
    await env.settle();
    expect(r.start).not.toHaveBeenCalled();
  });

  it('startReplay downloads nothing where tracking is off (opted out)', async () => {
    const { r, load, loaded } = recorder();
    const { t, env } = startTracker({}, { load });
    t.optOut();
    t.startReplay();
    await env.settle();
    expect(loaded()).toBe(0);
    expect(r.start).not.toHaveBeenCalled();
    t.optIn();
    t.startReplay();
    await env.settle();
    expect(r.start).toHaveBeenCalled();
  });

  it('samples by session: every page of a session drawn out loads no recorder, drawn in always does', async () => {
    const page = (sessionId: string, storage: Map<string, string>, options = {}) => {
      const env = fakeEnv(storage);
      env.uuid = () => sessionId + '-0000-4000-8000-000000000000';
      const rec = recorder();
      startTracker({ replay: 'on', replaySampleRate: 0.5, ...options }, { env, load: rec.load });
      return rec.loaded;
    };
    vi.spyOn(Math, 'random').mockReturnValue(0.1); // never asked while there is a session id
    const out = new Map<string, string>();
    const outPages = [page('c0000000', out), page('00000001', out)]; // the second page: same session
    const inside = new Map<string, string>();
    const inPages = [page('40000000', inside), page('ffffffff', inside)];
    await Promise.resolve();
    expect(outPages.map((n) => n())).toEqual([0, 0]);
    expect(inPages.map((n) => n())).toEqual([1, 1]);
    expect(Math.random).not.toHaveBeenCalled();
    // cookieless: no session id, a fresh draw per page
    expect(page('', new Map(), { cookieless: true })()).toBe(1);
    expect(Math.random).toHaveBeenCalledOnce();
  });

  it('sample() reads the first 32 bits of a session id, and draws without one', () => {
    expect(sample('80000000-1234-4000-8000-000000000000')).toBe(0.5);
    expect(sample('ffffffff-1234-4000-8000-000000000000')).toBeLessThan(1);
    vi.spyOn(Math, 'random').mockReturnValue(0.3);
    expect(sample('')).toBe(0.3);
    expect(sample(undefined)).toBe(0.3); // cookieless: no id at all
  });

  it('requests the recorder with the extras and starts it only once both have arrived; never without the extras', async () => {
    const held = heldExtras();
    const { r, load } = recorder(held.load);
    const spy = load as unknown as ReturnType<typeof vi.fn>;
    const { env, t } = startTracker({ replay: 'on' }, { load });
    // both requested at once, the extras first (the tracker asks for them as it starts)
    expect(spy.mock.calls.map(([name]) => name)).toEqual(['extras', 'recorder']);
    await env.settle(); // the recorder has arrived, the extras not yet
    expect(r.start).not.toHaveBeenCalled();
    held.release();
    await env.settle();
    expect(r.start).toHaveBeenCalledOnce();
    // the core it gets carries the extras' batch queue
    const core = r.start.mock.calls[0]![0];
    core.chunk(replayChunk());
    t.flush();
    await env.settle();
    expect(env.batches().flatMap((b) => b.replayChunks ?? [])).toEqual([replayChunk()]);

    // extras that never arrive, or fail (npm: resolve to nothing): the recorder never starts
    for (const extras of [() => new Promise(() => {}), () => Promise.resolve(undefined)]) {
      const never = recorder(extras as unknown as Load);
      const s = startTracker({ replay: 'on' }, { load: never.load });
      s.t.startReplay();
      await s.env.settle();
      expect(never.loaded()).toBeGreaterThan(0);
      expect(never.r.start).not.toHaveBeenCalled();
    }
  });

  it('startReplay on a page that started opted out requests the extras with the recorder', async () => {
    const { r, load } = recorder();
    const spy = load as unknown as ReturnType<typeof vi.fn>;
    const { t, env } = startTracker({}, { load, env: fakeEnv(new Map([['sl_opt', '1']])) });
    await env.settle();
    expect(spy).not.toHaveBeenCalled();
    t.optIn();
    t.startReplay();
    t.startReplay(); // the extras are requested once however often
    expect(spy.mock.calls.map(([name]) => name)).toEqual(['extras', 'recorder', 'recorder']);
    await env.settle();
    expect(r.start).toHaveBeenCalled();
  });

  it('chunks from the core go into batches, and none where tracking is off', async () => {
    const { r, load } = recorder();
    const { t, env } = startTracker({ replay: 'on' }, { load });
    await env.settle();
    const core = r.start.mock.calls[0]![0];
    const chunk = replayChunk();
    core.chunk(chunk);
    t.optOut();
    core.chunk({ ...chunk, id: 'c2' });
    core.flush();
    await env.settle();
    expect(env.batches().flatMap((b) => b.replayChunks ?? [])).toEqual([chunk]);
    expect(core.meta().sessionId).toBe(env.collects()[0]?.sessionId);
  });
});
