/**
 * Test doubles for the tracker's injected world: a manual clock and timers, counter uuids, Map
 * storage and recorded posts with scripted statuses. Nothing here sleeps for real time.
 */
import { Window as HappyWindow } from 'happy-dom';
import { parseConfig, type Options } from '../src/config.js';
import type { Env } from '../src/env.js';
import type { AnalyticsEvent, BatchPayload, CollectPayload } from '../src/protocol.js';
import { extras } from '../src/extras/extras-entry.js';
import { createTracker } from '../src/tracker.js';
import type { Bundles, Core, Extras, Load } from '../src/trackers/core.js';

export interface Post {
  url: string;
  body: string;
  beacon: boolean;
}

export function fakeEnv(storage = new Map<string, string>(), start = 1_700_000_000_000) {
  let time = start;
  let ids = 0;
  const timers: { at: number; fn: () => void }[] = [];
  const posts: Post[] = [];
  /** statuses answered in order; `status` after they run out */
  const script: number[] = [];
  const env = {
    storage,
    posts,
    script,
    status: 200,
    now: () => time,
    uuid: () => `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`,
    get: (k: string) => storage.get(k) ?? null,
    set: (k: string, v: string) => void storage.set(k, v),
    post(url: string, body: string, beacon?: boolean) {
      posts.push({ url, body, beacon: !!beacon });
      return Promise.resolve(script.length ? script.shift()! : env.status);
    },
    timeout: (fn: () => void, ms: number) => void timers.push({ at: time + ms, fn }),
    /** lets pending promise callbacks run */
    async settle() {
      for (let i = 0; i < 20; i++) await Promise.resolve();
    },
    /** moves the clock, running due timers in order */
    async advance(ms: number) {
      const end = time + ms;
      for (;;) {
        timers.sort((a, b) => a.at - b.at);
        if (!timers[0] || timers[0].at > end) break;
        const t = timers.shift()!;
        time = t.at;
        t.fn();
        await env.settle();
      }
      time = end;
      await env.settle();
    },
    /** bodies sent to a path, parsed */
    sent<T = unknown>(path: string): T[] {
      return posts.filter((p) => p.url.endsWith(path)).map((p) => JSON.parse(p.body) as T);
    },
    collects: () => env.sent<CollectPayload>('/collect'),
    batches: () => env.sent<BatchPayload>('/api/events'),
    events: (): AnalyticsEvent[] => env.batches().flatMap((b) => b.analytics),
  };
  return env satisfies Env;
}
export type FakeEnv = ReturnType<typeof fakeEnv>;

/** A window with its own constructors (`w.Event`, `w.MouseEvent` …), as in a browser. */
export type TestWindow = Window & typeof globalThis;

/**
 * A fresh browser window (its own document, history and listeners) that is not automated and
 * has loaded (`readyState` complete; `setReadyState` changes it).
 */
export function fakeWindow(url = 'https://site.example/', userAgent?: string): TestWindow {
  const w = new HappyWindow({ url, width: 1280, height: 800 }) as unknown as TestWindow;
  Object.defineProperty(w.navigator, 'webdriver', { value: false, configurable: true });
  setReadyState(w, 'complete');
  if (userAgent)
    Object.defineProperty(w.navigator, 'userAgent', { value: userAgent, configurable: true });
  return w;
}

export function setReadyState(w: TestWindow, state: DocumentReadyState) {
  Object.defineProperty(w.document, 'readyState', { value: state, configurable: true });
}

/** Loads the bundles from source, as the npm build does: the extras, and no recorder. */
export const loadFromSource: Load = (name) =>
  Promise.resolve((name == 'extras' ? extras : undefined) as Bundles[typeof name] | undefined);

/** A loader whose extras arrive only at `release()`, as over a slow network. */
export function heldExtras() {
  let release!: () => void;
  const arrived = new Promise<void>((ok) => (release = ok));
  const load: Load = (name) => arrived.then(() => loadFromSource(name));
  return { load, release };
}

/**
 * Starts a tracker on a fake page with options (websiteId defaults to `site-1`); the extras load
 * from source, so `await env.settle()` before relying on them. `core()` is the core the extras
 * were started with (undefined until they have).
 */
export function startTracker(
  options: Partial<Options> = {},
  {
    w = fakeWindow(),
    env = fakeEnv(),
    load = loadFromSource,
  }: { w?: TestWindow; env?: FakeEnv; load?: Load } = {},
) {
  const all: Partial<Options> = { websiteId: 'site-1', ...options };
  const c = parseConfig(all, 'https://stats.example');
  let started: Core | undefined;
  // the extras as loaded, wrapped to keep the core they are handed
  const watch = ((name) =>
    load(name).then((b) =>
      name == 'extras' && b
        ? (core: Core) => {
            started = core;
            (b as Extras)(core);
          }
        : b,
    )) as Load;
  const t = createTracker(c, env, w, watch);
  return { w, env, t, c, d: w.document, core: () => started };
}

export function setVisibility(w: TestWindow, state: 'visible' | 'hidden') {
  Object.defineProperty(w.document, 'visibilityState', { value: state, configurable: true });
  w.document.dispatchEvent(new w.Event('visibilitychange'));
}

/** A tracker on a page holding `html`, whose extras (loaded from source) have started. */
export async function extrasPage(html: string, options = {}) {
  const s = startTracker(options);
  s.d.body.innerHTML = html;
  await s.env.settle();
  const click = (sel: string) =>
    s.d.querySelector(sel)!.dispatchEvent(new s.w.MouseEvent('click', { bubbles: true }));
  const flushed = async () => {
    s.t.flush();
    await s.env.settle();
    return s.env.events();
  };
  return { ...s, click, flushed };
}

/** A small replay chunk as the recorder emits it (`seq` and `id` vary). */
export const replayChunk = (seq = 0) => ({
  id: 'c' + (seq + 1),
  seq,
  encoding: 'json' as const,
  data: '[]',
  count: 0,
  startTs: 1,
  endTs: 2,
  rawBytes: 2,
});
