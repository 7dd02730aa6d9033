/**
 * The sessions report's paths over columns: the most common moves from one page to the next
 * within a session (as the SQL window `lag(path) OVER (PARTITION BY session ORDER BY ts, rowid)`
 * of `analytics/reports.ts`), from the pageview events of the chosen sessions.
 */
import { compareText } from './dictionary.js';

type Ids = Uint8Array | Uint16Array | Uint32Array | Int32Array;

/**
 * Scratch arrays reused across calls (the report runs often, and tens of megabytes allocated per
 * call at 10 M events keep V8's collector busy): `n` entries of the array `name`, zeroed.
 */
const pool = new Map<string, Int32Array>();
function scratch(name: string, n: number): Int32Array {
  let a = pool.get(name);
  if (!a || a.length < n) pool.set(name, (a = new Int32Array(Math.max(n, (a?.length ?? 0) * 2))));
  const view = a.subarray(0, n);
  view.fill(0);
  return view;
}

/** Pair counts in a dense table while it stays this small, else in a Map. */
const DENSE_CELLS = 1 << 22;

export interface Transition {
  from: string;
  to: string | null;
  sessions: number;
}

/**
 * `picked[0..n)`: indices of pageview events, ascending (arrival order); `session[i]` their
 * session ordinal (< `sessions`), `ts[i]` time, `path[i]` dictionary id (0 = none) of `values`.
 * Moves whose previous page is none are left out, as SQL's `prev IS NOT NULL`.
 */
export function topTransitions(
  picked: Int32Array,
  n: number,
  session: Int32Array,
  ts: Float64Array,
  path: Ids,
  sessions: number,
  values: readonly (string | null)[],
  limit = 20,
): Transition[] {
  // counting sort by session, stable: each session's events stay in arrival order
  const start = scratch('start', sessions + 1);
  for (let k = 0; k < n; k++) start[session[picked[k]!]! + 1]!++;
  for (let s = 0; s < sessions; s++) start[s + 1]! += start[s]!;
  const at = scratch('at', sessions);
  at.set(start.subarray(0, sessions));
  const sorted = scratch('sorted', n);
  for (let k = 0; k < n; k++) {
    const i = picked[k]!;
    sorted[at[session[i]!]!++] = i;
  }
  const byTime = (a: number, b: number) => ts[a]! - ts[b]! || a - b;
  const p = values.length;
  const dense = p * p <= DENSE_CELLS ? scratch('pairs', p * p) : null;
  const sparse = dense ? null : new Map<number, number>();
  for (let s = 0; s < sessions; s++) {
    const lo = start[s]!;
    const hi = start[s + 1]!;
    if (hi - lo < 2) continue;
    let ordered = true;
    for (let k = lo + 1; k < hi && ordered; k++) ordered = ts[sorted[k - 1]!]! <= ts[sorted[k]!]!;
    if (!ordered) sorted.subarray(lo, hi).sort(byTime);
    for (let k = lo + 1; k < hi; k++) {
      const prev = path[sorted[k - 1]!]!;
      if (prev === 0) continue;
      const key = prev * p + path[sorted[k]!]!;
      if (dense) dense[key]!++;
      else sparse!.set(key, (sparse!.get(key) ?? 0) + 1);
    }
  }
  const pairs: [number, number][] = [];
  if (dense) {
    for (let key = 0; key < dense.length; key++) if (dense[key]) pairs.push([key, dense[key]!]);
  } else pairs.push(...sparse!);
  const from = (key: number) => values[Math.floor(key / p)]!;
  const to = (key: number) => values[key % p]!;
  pairs.sort(
    (a, b) => b[1] - a[1] || compareText(from(a[0]), from(b[0])) || compareText(to(a[0]), to(b[0])),
  );
  return pairs
    .slice(0, limit)
    .map(([key, count]) => ({ from: from(key)!, to: to(key), sessions: count }));
}
