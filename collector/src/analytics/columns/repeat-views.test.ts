import { describe, expect, it } from 'vitest';
import { prng } from '../prng.js';
import { sharedArray } from './growable.js';
import { helperReady, helperStats } from './helper-thread.js';
import { RepeatViews, viewsAndVisitors } from './repeat-views.js';

/** Pageviews (visitor, path) in list order: a few heavy visitors and many light ones. */
function pageviews(n: number, rand: () => number) {
  const visitor = new Int32Array(n);
  const path = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    visitor[i] = rand() < 0.3 ? Math.floor(rand() * 5) : Math.floor(rand() * 3000);
    path[i] = Math.floor(rand() * rand() * 40);
  }
  return { visitor, path };
}

/** The oracle: distinct visitors per path by a set of "visitor path" keys. */
function bruteForce(idx: number[], visitor: Int32Array, path: Int32Array, paths: number) {
  const views = new Int32Array(paths);
  const visitors = new Int32Array(paths);
  const seen = new Set<string>();
  for (const k of idx) {
    views[path[k]!]!++;
    const key = `${visitor[k]} ${path[k]}`;
    if (!seen.has(key)) visitors[path[k]!]!++;
    seen.add(key);
  }
  return { views: [...views], visitors: [...visitors] };
}

describe('viewsAndVisitors', () => {
  const rand = prng(7).next;
  const n = 20_000;
  const { visitor, path } = pageviews(n, rand);
  const repeats = new RepeatViews();
  for (let i = 0; i < n; i++) repeats.add(visitor[i]!, path[i]!);
  const same = repeats.same.data;

  const check = (idx: number[]) => {
    const views = new Int32Array(40);
    const visitors = new Int32Array(40);
    viewsAndVisitors(Int32Array.from(idx), idx.length, path, same, views, visitors);
    expect({ views: [...views], visitors: [...visitors] }).toEqual(
      bruteForce(idx, visitor, path, 40),
    );
  };

  it('links each pageview to its visitor’s previous one of the same page', () => {
    for (const k of [0, 1, 17, 5000, n - 1]) {
      let expected = -1;
      for (let j = k - 1; j >= 0; j--)
        if (visitor[j] === visitor[k] && path[j] === path[k]) {
          expected = j;
          break;
        }
      expect(same[k]).toBe(expected);
    }
  });

  it('counts a contiguous run of positions', () => {
    check(Array.from({ length: 8000 }, (_, i) => 3000 + i));
    check(Array.from({ length: n }, (_, i) => i));
  });

  it('counts selections with gaps (late events between selected ones)', () => {
    for (const keep of [0.97, 0.6, 0.1]) {
      const idx: number[] = [];
      for (let k = 1200; k < n; k++) if (rand() < keep) idx.push(k);
      check(idx);
    }
  });

  it('counts nothing for an empty selection', () => {
    check([]);
  });
});

describe('viewsAndVisitors over two threads', () => {
  it('splits a long contiguous run with the helper thread, with the oracle’s counts', async () => {
    const rand = prng(13).next;
    const n = 300_000; // over the split's threshold
    const made = pageviews(n, rand);
    // the paths on shared memory, as the column store's are
    const path = sharedArray(Int32Array, n);
    path.set(made.path);
    const repeats = new RepeatViews();
    for (let i = 0; i < n; i++) repeats.add(made.visitor[i]!, path[i]!);
    for (let waited = 0; !helperReady() && waited < 20_000; waited += 50)
      await new Promise((ok) => setTimeout(ok, 50));
    const idx = Array.from({ length: n - 10_000 }, (_, i) => 10_000 + i);
    const views = new Int32Array(40);
    const visitors = new Int32Array(40);
    const before = helperStats.tasks;
    viewsAndVisitors(Int32Array.from(idx), idx.length, path, repeats.same.data, views, visitors);
    expect(helperStats.tasks).toBe(before + 1);
    expect({ views: [...views], visitors: [...visitors] }).toEqual(
      bruteForce(idx, made.visitor, path, 40),
    );
  });
});
