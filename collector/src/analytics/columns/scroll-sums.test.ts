import { describe, expect, it } from 'vitest';
import { prng } from '../prng.js';
import { ScrollBlocks, ScrollSums } from './scroll-sums.js';

describe('ScrollBlocks', () => {
  // a scroll list of 30 000 rows: scroll events of 12 pages (page = path id + 1), other rows with
  // figures (page 0), and some figures missing (-1)
  const rand = prng(11).next;
  const n = 30_000;
  const page = new Int32Array(n);
  const ms = new Float64Array(n);
  const dp = new Int32Array(n);
  const blocks = new ScrollBlocks();
  for (let at = 0; at < n; at++) {
    page[at] = rand() < 0.1 ? 0 : 1 + Math.floor(rand() * rand() * 12);
    ms[at] = rand() < 0.2 ? -1 : Math.floor(rand() * 60_000);
    dp[at] = rand() < 0.2 ? -1 : Math.floor(rand() * 101);
    if (page[at]) blocks.add(at, page[at]!, ms[at]!, dp[at]!);
  }
  // pages 1–5 have slots 0–4, the rest share the spare slot 5
  const slotOf = new Int32Array(14).map((_, g) => (g >= 1 && g <= 5 ? g - 1 : 5));

  const byRows = (a: number, b: number) => {
    const sums = new ScrollSums(6);
    for (let at = a; at < b; at++) if (page[at]) sums.add(ms, dp, at, slotOf[page[at]!]!);
    return sums;
  };

  it('sums any range of the list as its rows do, whole blocks from their sums', () => {
    const ranges = [
      [0, n],
      [0, 4096],
      [1, 4095],
      [4096, 8192],
      [100, 20_000],
      [5000, 5001],
      [12_288, n],
      [7, 7],
    ];
    for (const [a, b] of ranges) {
      const sums = new ScrollSums(6);
      blocks.addRange(sums, slotOf, a!, b!, { ms, dp, page });
      expect(sums, `${a}…${b}`).toEqual(byRows(a!, b!));
    }
    expect(byRows(0, n).engagedN[0]).toBeGreaterThan(1000);
  });
});
