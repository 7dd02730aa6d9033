/**
 * Distinct visitors per page without a bitmap per page: each pageview of the site's pageview list
 * knows the position of its visitor's previous pageview of the same page (`RepeatViews.same`,
 * kept as pageviews are appended). Over a selection of positions, a pageview is its visitor's
 * first of that page in the selection when no earlier pageview of the pair is selected: the
 * pages' distinct visitors are counted in one pass in list order, with no random writes.
 */
import { Growable, scratchPool } from './growable.js';
import { postToHelper, splitAt } from './helper-thread.js';

const scratch = scratchPool();

/**
 * The latest position of each (visitor, path) pair: open addressing over typed arrays (12 B a
 * slot, at most 70% full), so millions of pairs cost no `Map` entries nor garbage.
 */
class PairIndex {
  private visitor = new Int32Array(1 << 12).fill(-1);
  private path = new Int32Array(1 << 12);
  private pos = new Int32Array(1 << 12);
  private size = 0;

  /** Sets the pair's latest position to `at`; returns the one before it, -1 for none. */
  swap(v: number, p: number, at: number): number {
    if (this.size * 10 >= this.visitor.length * 7) this.rehash();
    const mask = this.visitor.length - 1;
    let h = slot(v, p, mask);
    for (;;) {
      const sv = this.visitor[h]!;
      if (sv === -1) {
        this.visitor[h] = v;
        this.path[h] = p;
        this.pos[h] = at;
        this.size++;
        return -1;
      }
      if (sv === v && this.path[h] === p) {
        const before = this.pos[h]!;
        this.pos[h] = at;
        return before;
      }
      h = (h + 1) & mask;
    }
  }

  get bytes(): number {
    return this.visitor.byteLength * 3;
  }

  private rehash(): void {
    const { visitor, path, pos } = this;
    const n = visitor.length * 2;
    this.visitor = new Int32Array(n).fill(-1);
    this.path = new Int32Array(n);
    this.pos = new Int32Array(n);
    const mask = n - 1;
    for (let i = 0; i < visitor.length; i++) {
      const v = visitor[i]!;
      if (v === -1) continue;
      let h = slot(v, path[i]!, mask);
      while (this.visitor[h] !== -1) h = (h + 1) & mask;
      this.visitor[h] = v;
      this.path[h] = path[i]!;
      this.pos[h] = pos[i]!;
    }
  }
}

const slot = (v: number, p: number, mask: number): number =>
  ((Math.imul(v, 0x9e3779b1) ^ Math.imul(p + 0x632be5ab, 0x85ebca77)) >>> 7) & mask;

/** Per pageview position: the position of the same visitor's previous pageview of its page. */
export class RepeatViews {
  /** -1: the visitor's first pageview of the page */
  readonly same = new Growable(Int32Array);
  private readonly latest = new PairIndex();

  /** Appends the pageview at the next position (visitor ordinal, path id). */
  add(visitor: number, path: number): void {
    this.same.push(this.latest.swap(visitor, path, this.same.length));
  }

  fit(): void {
    this.same.fit();
  }

  get bytes(): number {
    return this.same.bytes + this.latest.bytes;
  }
}

/**
 * Pageviews and distinct visitors per path id of the positions a…b−1 of a selection that starts
 * at `lo` (every position from `lo` on selected): added into `views` and `visitors`.
 */
function countRange(
  lo: number,
  a: number,
  b: number,
  path: ArrayLike<number>,
  same: Int32Array,
  views: Int32Array,
  visitors: Int32Array,
): void {
  for (let k = a; k < b; k++) {
    const g = path[k]!;
    views[g]!++;
    visitors[g]! += same[k]! < lo ? 1 : 0;
  }
}

/** `countRange` into new arrays of `paths` entries (the helper thread's half). */
export function rangeViews(
  lo: number,
  a: number,
  b: number,
  path: Int32Array,
  same: Int32Array,
  paths: number,
): [Int32Array, Int32Array] {
  const views = new Int32Array(paths);
  const visitors = new Int32Array(paths);
  countRange(lo, a, b, path, same, views, visitors);
  return [views, visitors];
}

/**
 * Pageviews and distinct visitors per path id (added into `views` and `visitors`) of the
 * positions `idx[0..n)`, ascending (or, `run` ≥ 0, of run … run + n − 1, `idx` unread); `path`
 * and `same` are per position. A pageview counts a
 * visitor when no earlier selected pageview has its (visitor, path): following `same` back past
 * the unselected ones (late events between two selected ones), never below the first selected.
 */
export function viewsAndVisitors(
  idx: Int32Array,
  n: number,
  path: ArrayLike<number>,
  same: Int32Array,
  views: Int32Array,
  visitors: Int32Array,
  run = -1,
): void {
  if (n === 0) return;
  // `run` >= 0: the positions are run … run + n − 1, not written in `idx`
  const lo = run >= 0 ? run : idx[0]!;
  const span = run >= 0 ? n : idx[n - 1]! - lo + 1;
  if (span === n) {
    // every position from the first selected to the last: earlier means below the first; the
    // upper half in the helper thread where there is one and the columns are shared
    const mid = lo + (n >>> 1);
    const split =
      n >= splitAt.positions &&
      path instanceof Int32Array &&
      path.buffer instanceof SharedArrayBuffer;
    const upper = split
      ? postToHelper('rangeViews', [lo, mid, lo + n, path, same, views.length])
      : null;
    if (!upper) {
      countRange(lo, lo, lo + n, path, same, views, visitors);
      return;
    }
    countRange(lo, lo, mid, path, same, views, visitors);
    const [v, u] =
      upper.wait() ?? rangeViews(lo, mid, lo + n, path as Int32Array, same, views.length);
    for (let g = 0; g < views.length; g++) {
      views[g]! += v[g]!;
      visitors[g]! += u[g]!;
    }
    return;
  }
  // the selected positions as bits, and their longest run of consecutive ones (a range's blocks
  // wholly inside it): a link into the run needs no bit read
  const chosen = scratch('chosen', Uint32Array, (span + 31) >>> 5);
  let runA = lo;
  let runB = lo;
  let from = lo;
  for (let i = 0; i < n; i++) {
    const k = idx[i]!;
    const d = k - lo;
    chosen[d >>> 5] = chosen[d >>> 5]! | (1 << (d & 31));
    if (i > 0 && k !== idx[i - 1]! + 1) from = k;
    if (k + 1 - from > runB - runA) ((runA = from), (runB = k + 1));
  }
  for (let i = 0; i < n; i++) {
    const k = idx[i]!;
    const g = path[k]!;
    let p = same[k]!;
    while (
      p >= lo &&
      (p < runA || p >= runB) &&
      ((chosen[(p - lo) >>> 5]! >>> ((p - lo) & 31)) & 1) === 0
    )
      p = same[p]!;
    views[g]!++;
    visitors[g]! += p < lo ? 1 : 0;
  }
}
