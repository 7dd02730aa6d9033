/**
 * Visits, distinct visitors, bounces and average length of runs of selected sessions (the
 * overview's figures, and the time series' per bucket). Over many sessions the helper thread
 * (`helper-thread.ts`) takes a half: the later half of one run (its visitor bitmap returned and
 * ORed with this thread's), or the later runs (each run's figures its own).
 */
import { bit, popcount, scratchPool } from './growable.js';
import { postToHelper, splitAt } from './helper-thread.js';

/** The session columns the figures come from, and the words of a visitor bitmap. */
export interface AggCols {
  start: Float64Array;
  end: Float64Array;
  pageviews: Int32Array;
  visitor: ArrayLike<number>;
  words: number;
}

/** Session aggregates as the SQL returns them (`bounces`, `ms` null without sessions). */
export interface SessionAgg {
  visits: number;
  visitors: number;
  bounces: number | null;
  ms: number | null;
}

/** A run's sums (`ms` the total length); `bits` its visitors, for a run split in two. */
interface RunSums {
  visits: number;
  visitors: number;
  bounces: number;
  ms: number;
  bits: Uint32Array | null;
}

/** Scratch arrays of this thread's own (the helper's, in the helper). */
const scratch = scratchPool();

/** The figures of the sessions `list[a..b)`. */
export function aggregate(c: AggCols, list: Int32Array, a: number, b: number): SessionAgg {
  const mid = a + ((b - a) >>> 1);
  const posted =
    b - a >= splitAt.sessions ? postToHelper('runSums', [c, list, [mid, b], true, 'helper']) : null;
  const mine = runSums(c, list, [a, posted ? mid : b], posted !== null, 'main')[0]!;
  if (!posted) return figures(mine);
  const theirs = (posted.wait() ?? runSums(c, list, [mid, b], true, 'helper'))[0]!;
  // the visitors of either half
  let visitors = 0;
  const x = mine.bits!;
  const y = theirs.bits!;
  for (let w = 0; w < c.words; w++) visitors += popcount(x[w]! | y[w]!);
  return figures({
    visits: mine.visits + theirs.visits,
    visitors,
    bounces: mine.bounces + theirs.bounces,
    ms: mine.ms + theirs.ms,
    bits: null,
  });
}

/**
 * The figures of each run `list[bounds[2k]..bounds[2k + 1])`; over many sessions, the later
 * runs (about half the sessions) in the helper.
 */
export function aggregateRuns(c: AggCols, list: Int32Array, bounds: number[]): SessionAgg[] {
  const total = bounds.reduce((n, x, j) => n + (j & 1 ? x : -x), 0);
  // the first pair whose sessions pass half of them, and those after, to the helper
  let cut = bounds.length;
  for (let j = 0, seen = 0; j < bounds.length && total >= splitAt.sessions; j += 2) {
    seen += bounds[j + 1]! - bounds[j]!;
    if (seen >= total / 2) {
      cut = j + 2;
      break;
    }
  }
  const later = bounds.slice(cut);
  const posted = later.length ? postToHelper('runSums', [c, list, later, false, 'helper']) : null;
  const mine = runSums(c, list, posted ? bounds.slice(0, cut) : bounds, false, 'main');
  const theirs = posted ? (posted.wait() ?? runSums(c, list, later, false, 'helper')) : [];
  return mine.concat(theirs).map(figures);
}

/** The averages of a run's sums. */
function figures(r: RunSums): SessionAgg {
  return {
    visits: r.visits,
    visitors: r.visitors,
    bounces: r.visits ? r.bounces : null,
    ms: r.visits ? r.ms / r.visits : null,
  };
}

/**
 * Each run's sums, a bitmap of this thread's own (`name`) cleared per run (41 KB at 330 k
 * visitors: within a core's cache, where a stamp per visitor took 1.3 MB); `keep`: returned with
 * the last run's sums. A task of the helper thread, which writes into nothing it is given.
 */
export function runSums(
  c: AggCols,
  list: Int32Array,
  bounds: number[],
  keep: boolean,
  name: string,
): RunSums[] {
  const { start, end, pageviews: pv, visitor: vis, words } = c;
  const out: RunSums[] = [];
  let seen: Uint32Array | null = null;
  for (let j = 0; j < bounds.length; j += 2) {
    seen = scratch(`seen-${name}`, Uint32Array, Math.max(1, words));
    let visitors = 0;
    let bounces = 0;
    let ms = 0;
    for (let i = bounds[j]!; i < bounds[j + 1]!; i++) {
      const s = list[i]!;
      bounces += bit(pv[s]! <= 1);
      ms += end[s]! - start[s]!;
      const v = vis[s]!;
      const w = v >>> 5;
      const m = 1 << (v & 31);
      const old = seen[w]!;
      visitors += bit((old & m) === 0);
      seen[w] = old | m;
    }
    out.push({ visits: bounds[j + 1]! - bounds[j]!, visitors, bounces, ms, bits: null });
  }
  if (keep && out.length) out.at(-1)!.bits = seen;
  return out;
}
