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

  it('loads them for any one of clicks, scroll and extras; never with all off, or where nothing may be sent', async () => {
    const one = (['trackClicks', 'trackScroll', 'extras'] as const).map((on) => {
      const s = spy();
      startTracker({ trackClicks: false, trackScroll: false, extras: false, [on]: true }, s);
      return s;
    });
    const off = spy();
    startTracker(
      { trackClicks: false, trackScroll: false, trackOutbound: false, extras: false },
      { load: off.load },
    );
    const bot = spy();
    startTracker({}, { load: bot.load, w: fakeWindow('https://site.example/', 'Googlebot/2.1') });
    const storage = new Map([['sl_opt', '1']]);
    const optedOut = spy();
    startTracker({}, { load: optedOut.load, env: fakeEnv(storage) });
    await Promise.resolve();
    expect(one.map((s) => s.extras())).toEqual([1, 1, 1]);
    expect([off.extras(), bot.extras(), optedOut.extras()]).toEqual([0, 0, 0]);
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
