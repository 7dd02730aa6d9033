import { describe, expect, it } from 'vitest';
import { prng } from '../prng.js';
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
