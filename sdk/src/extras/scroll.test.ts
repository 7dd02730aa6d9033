import { describe, expect, it } from 'vitest';
import { fakeWindow, heldExtras, setVisibility, startTracker } from '../../test/fakes.js';
import type { ScrollEvent } from '../protocol.js';

/** A long page whose extras (the scroll listener) have started. */
async function page() {
  const w = fakeWindow(); // 800 px high
  Object.defineProperty(w.document.documentElement, 'scrollHeight', {
    value: 4000,
    configurable: true,
  });
  const s = startTracker({}, { w });
  await s.env.settle();
  const scrollTo = (y: number) => {
    Object.defineProperty(s.w, 'scrollY', { value: y, configurable: true });
    s.w.dispatchEvent(new s.w.Event('scroll'));
  };
  const scrolls = async () => {
    s.t.flush();
    await s.env.settle();
    return s.env.events().filter((e): e is ScrollEvent => e.type == 'scroll');
  };
  return { ...s, scrollTo, scrolls };
}

describe('scroll depth and engaged time', () => {
  it('sends the max depth and visible time of a pageview when the next one starts', async () => {
    const p = await page();
    p.scrollTo(1200); // (1200 + 800) / 4000 = 50 %
    p.scrollTo(200);
    await p.env.advance(5000);
    p.w.history.pushState({}, '', '/next');
    expect(await p.scrolls()).toEqual([
      expect.objectContaining({ depth: 50, engagedMs: 5000, url: 'https://site.example/' }),
    ]);
  });

  it('does not count hidden time, and sends on page hide by beacon', async () => {
    const p = await page();
    await p.env.advance(3000);
    p.scrollTo(3200); // 100 %
    setVisibility(p.w, 'hidden');
    await p.env.settle();
    const beacon = p.env.posts.filter((x) => x.beacon);
    expect(beacon).toHaveLength(1);
    await p.env.advance(60_000); // hidden: not engaged
    setVisibility(p.w, 'visible');
    await p.env.advance(2000);
    setVisibility(p.w, 'hidden');
    await p.env.settle();
    const spans = p.env.events().filter((e) => e.type == 'scroll');
    expect(spans).toEqual([
      expect.objectContaining({ depth: 100, engagedMs: 3000 }),
      expect.objectContaining({ engagedMs: 2000 }),
    ]);
  });

  it('counts engaged time from the pageview when the extras arrive later, and the depth where they find the page', async () => {
    const w = fakeWindow();
    Object.defineProperty(w.document.documentElement, 'scrollHeight', {
      value: 4000,
      configurable: true,
    });
    const held = heldExtras(); // the extras arrive late
    const { env, t } = startTracker({}, { w, load: held.load });
    await env.advance(3000);
    const scrollTo = (y: number) => {
      Object.defineProperty(w, 'scrollY', { value: y, configurable: true });
      w.dispatchEvent(new w.Event('scroll'));
    };
    scrollTo(2000); // 70 %, before the extras: measured when they arrive
    held.release();
    await env.settle();
    scrollTo(0);
    scrollTo(1200); // 50 %
    await env.advance(2000);
    w.history.pushState({}, '', '/next');
    t.flush();
    await env.settle();
    expect(env.events().filter((e) => e.type == 'scroll')).toEqual([
      expect.objectContaining({ depth: 70, engagedMs: 5000, url: 'https://site.example/' }),
    ]);
  });

  it('a page left before the extras arrive sends its pageview, but no scroll event (nor any batch)', async () => {
    const w = fakeWindow();
    const { env } = startTracker({}, { w, load: heldExtras().load }); // they never arrive
    await env.advance(1200);
    setVisibility(w, 'hidden');
    w.dispatchEvent(new w.PageTransitionEvent('pagehide'));
    await env.settle();
    expect(env.collects().map((p) => p.type)).toEqual(['pageview']);
    expect(env.posts.filter((p) => p.beacon || p.url.endsWith('/api/events'))).toEqual([]);
  });

  it('opens no span before the first pageview (autoTrack off), then one per pageview', async () => {
    const s = startTracker({ autoTrack: false });
    await s.env.settle(); // the extras have started: no pageview yet
    await s.env.advance(1000);
    setVisibility(s.w, 'hidden');
    await s.env.settle();
    expect(s.env.events()).toEqual([]);
    setVisibility(s.w, 'visible');
    s.t.pageview('/a');
    await s.env.advance(1500);
    s.t.pageview('/b');
    s.t.flush();
    await s.env.settle();
    // no span before /a, not even once the page is visible again: /a's own span only
    expect(s.env.events().map((e) => [e.type, e.url, (e as ScrollEvent).engagedMs])).toEqual([
      ['scroll', 'https://site.example/a', 1500],
    ]);
  });

  it('trackScroll off sends no scroll events', async () => {
    const s = startTracker({ trackScroll: false });
    await s.env.settle(); // the extras have started
    await s.env.advance(1000);
    s.w.history.pushState({}, '', '/next');
    setVisibility(s.w, 'hidden');
    s.t.flush();
    await s.env.settle();
    expect(s.env.events()).toEqual([]);
    expect(s.core()?.viewEnd).toBeUndefined();
  });
});
