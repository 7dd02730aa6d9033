import { describe, expect, it, vi } from 'vitest';
import {
  fakeEnv,
  fakeWindow,
  loadFromSource,
  setReadyState,
  startTracker,
} from '../../test/fakes.js';
import type { Load } from '../trackers/core.js';

/** A load spy that serves the extras from source. */
const spy = () => {
  const fn = vi.fn((name: string) => loadFromSource(name as 'extras'));
  return {
    load: fn as unknown as Load,
    extras: () => fn.mock.calls.filter(([n]) => n == 'extras').length,
  };
};
const error = (w: Window & typeof globalThis) =>
  w.dispatchEvent(new w.ErrorEvent('error', { message: 'boom' }));

describe('loading the extras', () => {
  it('requests them at once, even while the page still loads, and starts them once', async () => {
    const w = fakeWindow();
    setReadyState(w, 'interactive');
    const { load, extras } = spy();
    const { env, t } = startTracker({}, { w, load });
    expect(extras()).toBe(1); // not waiting for the load event
    error(w); // before they have arrived: not seen
    await env.settle();
    setReadyState(w, 'complete');
    w.dispatchEvent(new w.Event('load'));
    await env.settle();
    expect(extras()).toBe(1);
    error(w);
    t.flush();
    await env.settle();
    expect(env.events().map((e) => e.type)).toEqual(['error']);
  });

  it('starts at once on a page that has loaded already', async () => {
    const { load, extras } = spy();
    startTracker({}, { load });
    expect(extras()).toBe(1);
  });

  it('loads them wherever tracking is on, whatever the flags (they carry the batch queue); never where nothing may be sent', async () => {
    const flags = [
      {},
      { trackClicks: false, trackScroll: false, trackOutbound: false, extras: false },
    ].map((options) => {
      const s = spy();
      return { ...s, ...startTracker(options, s) };
    });
    const bot = spy();
    startTracker({}, { load: bot.load, w: fakeWindow('https://site.example/', 'Googlebot/2.1') });
    const storage = new Map([['sl_opt', '1']]);
    const optedOut = spy();
    startTracker({}, { load: optedOut.load, env: fakeEnv(storage) });
    await Promise.resolve();
    expect(flags.map((s) => s.extras())).toEqual([1, 1]);
    expect([bot.extras(), optedOut.extras()]).toEqual([0, 0]);

    // with every flag off the extras send no event of their own: no click, scroll or error
    const [, off] = flags;
    await off!.env.settle();
    off!.d.body.innerHTML = '<a href="https://other.example/">out</a>';
    for (let i = 0; i < 3; i++)
      off!.d.querySelector('a')!.dispatchEvent(new off!.w.MouseEvent('click', { bubbles: true }));
    error(off!.w);
    off!.w.history.pushState({}, '', '/next'); // would end a scroll span
    off!.t.flush();
    await off!.env.settle();
    expect(off!.env.posts.filter((p) => p.url.endsWith('/api/events'))).toEqual([]);
    expect(off!.env.collects().map((p) => p.type)).toEqual(['pageview', 'pageview']);
    // …but their batch queue is there (for replay chunks)
    expect(off!.core()?.flush).toBeTypeOf('function');
  });

  it('a failing download never reaches the page', async () => {
    // as the real loaders fail: script.js's stays pending, npm's resolves to nothing
    for (const load of [() => new Promise(() => {}), () => Promise.resolve(undefined)]) {
      const { env, t } = startTracker({}, { load: load as unknown as Load });
      await env.settle();
      expect(() => t.track('still works')).not.toThrow();
      expect(env.collects().map((p) => p.type)).toEqual(['pageview', 'custom']);
    }
  });
});
