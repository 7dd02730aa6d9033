import { describe, expect, it } from 'vitest';
import { fakeWindow, setVisibility, startTracker } from '../../test/fakes.js';
import type { ScrollEvent } from '../protocol.js';

function page() {
  const w = fakeWindow(); // 800 px high
  Object.defineProperty(w.document.documentElement, 'scrollHeight', {
    value: 4000,
    configurable: true,
  });
  const s = startTracker({}, { w });
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
    const p = page();
    p.scrollTo(1200); // (1200 + 800) / 4000 = 50 %
    p.scrollTo(200);
    await p.env.advance(5000);
    p.w.history.pushState({}, '', '/next');
    expect(await p.scrolls()).toEqual([
      expect.objectContaining({ depth: 50, engagedMs: 5000, url: 'https://site.example/' }),
    ]);
  });

  it('does not count hidden time, and sends on page hide by beacon', async () => {
    const p = page();
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

  it('trackScroll off sends no scroll events', async () => {
    const s = startTracker({ trackScroll: false });
    s.w.history.pushState({}, '', '/next');
    s.t.flush();
    await s.env.settle();
    expect(s.env.events()).toEqual([]);
  });
});
