/**
 * Time on page and scroll depth per page, summed per block of the site's scroll list (the rows
 * with scroll figures, in row order): the pages report adds a block's few per-page sums instead
 * of reading its rows one by one. The list only grows at its end, so only the last block's sums
 * change.
 */
import { Growable } from './growable.js';

/** Rows per block of the scroll list (2^12). */
const SHIFT = 12;

/** Sums per slot of the pages report (a slot per ranked page, and one spare). */
export class ScrollSums {
  readonly engagedSum: Float64Array;
  readonly engagedN: Int32Array;
  readonly depthSum: Float64Array;
  readonly depthN: Int32Array;

  constructor(slots: number) {
    this.engagedSum = new Float64Array(slots);
    this.engagedN = new Int32Array(slots);
    this.depthSum = new Float64Array(slots);
    this.depthN = new Int32Array(slots);
  }

  /** Adds the figures at `at` of the scroll list (-1: none) to slot `w`. */
  add(ms: ArrayLike<number>, dp: ArrayLike<number>, at: number, w: number): void {
    const e = ms[at]!;
    const d = dp[at]!;
    // conditional moves: a boolean times a number costs V8 a conversion (~2× slower)
    this.engagedSum[w]! += e >= 0 ? e : 0;
    this.engagedN[w]! += e >= 0 ? 1 : 0;
    this.depthSum[w]! += d >= 0 ? d : 0;
    this.depthN[w]! += d >= 0 ? 1 : 0;
  }
}

/** Per block of the scroll list: per page of its scroll events, their summed figures. */
export class ScrollBlocks {
  /** the entries, block after block: page (path id + 1), sums and counts */
  private readonly page = new Growable(Int32Array);
  private readonly engagedSum = new Growable(Float64Array);
  private readonly engagedN = new Growable(Int32Array);
  private readonly depthSum = new Growable(Float64Array);
  private readonly depthN = new Growable(Int32Array);
  /** per block: its first entry */
  private readonly first = new Growable(Int32Array);
  /** the last block's entry per page */
  private readonly open = new Map<number, number>();

  /** Notes the scroll event at list position `at` (page: path id + 1) and its figures. */
  add(at: number, page: number, engaged: number, depth: number): void {
    const blk = at >>> SHIFT;
    while (this.first.length <= blk) {
      this.first.push(this.page.length);
      this.open.clear();
    }
    let x = this.open.get(page);
    if (x === undefined) {
      x = this.page.push(page);
      for (const c of [this.engagedSum, this.engagedN, this.depthSum, this.depthN]) c.push(0);
      this.open.set(page, x);
    }
    this.engagedSum.data[x]! += engaged >= 0 ? engaged : 0;
    this.engagedN.data[x]! += engaged >= 0 ? 1 : 0;
    this.depthSum.data[x]! += depth >= 0 ? depth : 0;
    this.depthN.data[x]! += depth >= 0 ? 1 : 0;
  }

  /**
   * Adds the list positions a…b−1 into `sums`, slot `slotOf[page]` of each scroll event: whole
   * blocks from their sums, the rest from the rows (`ms`, `dp`, `page` per position).
   */
  addRange(
    sums: ScrollSums,
    slotOf: Int32Array,
    a: number,
    b: number,
    rows: { ms: ArrayLike<number>; dp: ArrayLike<number>; page: ArrayLike<number> },
  ): void {
    const b0 = (a + (1 << SHIFT) - 1) >>> SHIFT; // the first whole block
    const b1 = b >>> SHIFT; // past the last
    const byRow = (x: number, y: number) => {
      for (let at = x; at < y; at++) {
        const g = rows.page[at]!;
        if (g !== 0) sums.add(rows.ms, rows.dp, at, slotOf[g]!);
      }
    };
    if (b0 >= b1) return byRow(a, b);
    byRow(a, b0 << SHIFT);
    const end = b1 < this.first.length ? this.first.data[b1]! : this.page.length;
    const page = this.page.data;
    for (let x = this.first.data[b0]!; x < end; x++) {
      const w = slotOf[page[x]!]!;
      sums.engagedSum[w]! += this.engagedSum.data[x]!;
      sums.engagedN[w]! += this.engagedN.data[x]!;
      sums.depthSum[w]! += this.depthSum.data[x]!;
      sums.depthN[w]! += this.depthN.data[x]!;
    }
    byRow(b1 << SHIFT, b);
  }

  get bytes(): number {
    return [this.page, this.engagedSum, this.engagedN, this.depthSum, this.depthN, this.first]
      .map((c) => c.bytes)
      .reduce((x, y) => x + y, 0);
  }
}
