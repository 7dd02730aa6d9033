/**
 * A funnel's touches without filters, from the row lists of its steps (`listTouches` of
 * `more-reports.ts`): not copied by the report but as the funnel walks them, each thread copying
 * the touches of one parity of visitors straight from the lists — the helper thread the odd
 * ones' and walking them, the request's thread the even ones' — so neither reads or groups the
 * other's.
 */
import { bit } from './growable.js';
import { emptyTouches, funnelPart, roomFor, type Touches } from './behaviour.js';
import { postToHelper, splitAt } from './helper-thread.js';

/** The columns a funnel's touches are copied from, one list's (pageviews, or a name's events). */
export interface TouchSource {
  /** by position: row, time, visitor ordinal, and the id `steps` is read by (or 0) */
  rows: Int32Array;
  ts: Float64Array;
  visitor: Int32Array;
  ids: Int32Array;
  /** by id: the steps (bit k: step k) a row of it matches */
  steps: Uint16Array;
}

/** A list's positions as one id (a name's events: `ids` reads 0, `steps` is `[steps]`). */
export const ZERO = new Int32Array(1);

/** Where a funnel's touches come from: its lists' position ranges, within [from, to). */
export interface TouchPlan {
  /** per range: source, first and last position + 1, id stride (`di`), wholly inside (1) */
  sources: [TouchSource, number, number, number, number][];
  from: number;
  to: number;
  visitors: number;
}

/** Touches still to be copied from `plan` (`funnelOfPlan` walks them). */
export function planned(plan: TouchPlan): Touches {
  const length = plan.sources.reduce((n, [, a, b]) => n + b - a, 0);
  return { ...emptyTouches(), length, visitors: plan.visitors, plan };
}

/**
 * The funnel's counts over `plan`'s touches: with enough of them, the odd visitors' copied and
 * walked in the helper while this thread copies and walks the even ones'; else all here.
 */
export function funnelOfPlan(plan: TouchPlan, nSteps: number, windowMs: number): number[] {
  const upTo = plan.sources.reduce((n, [, a, b]) => n + b - a, 0);
  const posted =
    upTo >= splitAt.touches ? postToHelper('parityFunnel', [plan, 1, nSteps, windowMs]) : null;
  const mine = parityFunnel(plan, posted ? 0 : -1, nSteps, windowMs);
  if (!posted) return mine;
  const theirs = posted.wait() ?? parityFunnel(plan, 1, nSteps, windowMs);
  return mine.map((n, k) => n + theirs[k]!);
}

/** This thread's touch arrays, reused across funnels. */
let own = emptyTouches();

/**
 * The funnel's counts over the visitors of `parity` (0 even, 1 odd, -1 all), their touches
 * copied from `plan` into this thread's own arrays. A task of the helper thread.
 */
export function parityFunnel(
  plan: TouchPlan,
  parity: number,
  nSteps: number,
  windowMs: number,
): number[] {
  let out: Touches = { ...own, length: 0, visitors: plan.visitors };
  let n = 0;
  for (const [c, a, b, di, inner] of plan.sources)
    for (let k = a; k < b; k += TOUCH_CHUNK) {
      const end = Math.min(b, k + TOUCH_CHUNK);
      out = roomFor(out, n, n + end - k);
      n = copyTouches(c, [k, end, di, inner], plan.from, plan.to, parity, out, n);
    }
  own = out;
  out.length = n;
  return funnelPart(out, nSteps, windowMs, 0, 1);
}

/** Positions copied per call of `copyTouches`: the touch arrays grow by at most this much. */
const TOUCH_CHUNK = 1 << 16;

/**
 * Appends to `out` from `n` the positions a…b−1 of `c` in [from, to) whose id matches a step
 * (`di` 0: every position reads id 0; `inner` 1: every position is in the range, its time not
 * tested) and whose visitor has `parity` (-1: any); returns the new count. Every column is read
 * in sequence; whether a visitor is odd is a coin toss, so it is counted, not branched on.
 */
function copyTouches(
  c: TouchSource,
  [a, b, di, inner]: readonly [number, number, number, number],
  from: number,
  to: number,
  parity: number,
  out: Touches,
  n: number,
): number {
  const { visitor, ts, order, steps } = out;
  const { rows, ts: at, visitor: by, ids, steps: of } = c;
  // a visitor is kept when (v & pm) === pv: pm 0 keeps all
  const pm = parity < 0 ? 0 : 1;
  const pv = parity & pm;
  if (inner && di === 0) {
    // a name's or a page's list over blocks wholly inside the range: every position is a touch
    const st = of[ids[0]!]!;
    for (let k = a; k < b; k++) {
      const v = by[k]!;
      visitor[n] = v;
      ts[n] = at[k]!;
      order[n] = rows[k]!;
      steps[n] = st;
      n += bit((v & pm) === pv);
    }
    return n;
  }
  for (let k = a; k < b; k++) {
    const st = of[ids[k * di]!]!;
    if (st === 0) continue;
    const t = at[k]!;
    const v = by[k]!;
    visitor[n] = v;
    ts[n] = t;
    order[n] = rows[k]!;
    steps[n] = st;
    n += bit(t >= from) & bit(t < to) & bit((v & pm) === pv);
  }
  return n;
}
