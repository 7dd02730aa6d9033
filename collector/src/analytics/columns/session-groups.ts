/**
 * The breakdowns by a session dimension over columns: per value of the dimension, the sessions'
 * visits, bounces, total length, counted pageviews and distinct visitors (a bitmap per value),
 * in one pass over the selected sessions. Over many sessions, the helper thread
 * (`helper-thread.ts`) takes the later half into arrays of its own; the halves' counts add, and
 * a value's visitors are both halves' less those both bitmaps hold.
 */
import { bit, popcount, scratchPool } from './growable.js';
import { postToHelper, splitAt } from './helper-thread.js';

/** The session columns a pass reads, and what it counts. */
export interface GroupQuery {
  /** the dimension's id per session */
  col: ArrayLike<number>;
  start: Float64Array;
  end: Float64Array;
  pageviews: Int32Array;
  visitor: ArrayLike<number>;
  /** ids of the dimension, and words of a visitor bitmap */
  groups: number;
  words: number;
  /** a session ending at or after `to` is cut: its pageviews are read (`cut`, `windows`) */
  to: number;
  /** whether cut sessions are listed (else their pageviews are not counted here) */
  fused: boolean;
}

/** Per dimension id, what the sessions of a pass bring. */
export interface GroupCounts {
  counts: Int32Array;
  bounces: Int32Array;
  ms: Float64Array;
  /** pageviews of the sessions that end before `to` */
  per: Int32Array;
  distinct: Int32Array;
  /** sessions ending at or after `to` (with `fused`), and their windows [start, min(end + 1, to)) */
  cut: number[];
  windows: number[];
}

interface GroupPart extends GroupCounts {
  bits: Uint32Array;
}

/** Scratch arrays of this thread's own (the helper's, in the helper). */
const scratch = scratchPool();

/** The sessions `idx[0..n)` counted per dimension id; see the module's comment. */
export function sessionGroups(q: GroupQuery, idx: Int32Array, n: number): GroupCounts {
  const mid = n >>> 1;
  const posted =
    n >= splitAt.sessions ? postToHelper('groupPass', [q, idx, mid, n, 'helper']) : null;
  const mine = groupPass(q, idx, 0, posted ? mid : n, 'main');
  if (!posted) return mine;
  const theirs = posted.wait() ?? groupPass(q, idx, mid, n, 'helper');
  const { words } = q;
  const a = mine.bits;
  const b = theirs.bits;
  for (let g = 0; g < q.groups; g++) {
    if (theirs.counts[g] === 0) continue;
    mine.counts[g]! += theirs.counts[g]!;
    mine.bounces[g]! += theirs.bounces[g]!;
    mine.ms[g]! += theirs.ms[g]!;
    mine.per[g]! += theirs.per[g]!;
    let both = 0;
    for (let w = g * words; w < (g + 1) * words; w++) both += popcount(a[w]! & b[w]!);
    mine.distinct[g]! += theirs.distinct[g]! - both;
  }
  return {
    ...mine,
    cut: mine.cut.concat(theirs.cut),
    windows: mine.windows.concat(theirs.windows),
  };
}

/**
 * The sessions `idx[a..b)` into arrays `name` of this thread's own (a task of the helper
 * thread, which writes into nothing it is given).
 */
export function groupPass(
  q: GroupQuery,
  idx: Int32Array,
  a: number,
  b: number,
  name: string,
): GroupPart {
  const { col, start, end, pageviews: pvs, visitor: vis, groups, words, to, fused } = q;
  const counts = scratch(`counts-${name}`, Int32Array, groups);
  const bounces = scratch(`bounces-${name}`, Int32Array, groups);
  const ms = scratch(`ms-${name}`, Float64Array, groups);
  const per = scratch(`per-${name}`, Int32Array, groups);
  const distinct = scratch(`distinct-${name}`, Int32Array, groups);
  const bits = scratch(`bits-${name}`, Uint32Array, groups * words);
  const cut: number[] = [];
  const windows: number[] = [];
  for (let i = a; i < b; i++) {
    const s = idx[i]!;
    const g = col[s]!;
    const e = end[s]!;
    counts[g]!++;
    bounces[g]! += bit(pvs[s]! <= 1);
    ms[g]! += e - start[s]!;
    if (e < to) per[g]! += pvs[s]!;
    else if (fused) (cut.push(s), windows.push(start[s]!, Math.min(e + 1, to)));
    const v = vis[s]!;
    const w = g * words + (v >>> 5);
    const m = 1 << (v & 31);
    const old = bits[w]!;
    distinct[g]! += bit((old & m) === 0);
    bits[w] = old | m;
  }
  return { counts, bounces, ms, per, distinct, bits, cut, windows };
}
