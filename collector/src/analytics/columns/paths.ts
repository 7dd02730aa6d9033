/**
 * The sessions report's paths over columns: the most common moves from one page to the next
 * within a session (as the SQL window `lag(path) OVER (PARTITION BY session ORDER BY ts, rowid)`
 * of `analytics/reports.ts`), from the pageview events of the chosen sessions.
 */
import { compareText } from './dictionary.js';
import { scratchPool } from './growable.js';

type Ids = Uint8Array | Uint16Array | Uint32Array | Int32Array;

/** Scratch arrays reused across calls (the report runs often). */
const scratch = scratchPool();

/** A condition as 0 or 1, for branch-free scans. */
const bit = (b: boolean): number => b as unknown as number;

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
 * A session's pageviews follow each other by (time, arrival). Moves whose previous page is none
 * are left out, as SQL's `prev IS NOT NULL`.
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
  const p = values.length;
  const dense = p * p <= DENSE_CELLS ? scratch('pairs', Int32Array, p * p) : null;
  const sparse = dense ? null : new Map<number, number>();
  const add = (key: number, by: number) => {
    if (dense) dense[key]! += by;
    else sparse!.set(key, (sparse!.get(key) ?? 0) + by);
  };
  // one pass in arrival order: each pageview moves on from its session's previous one. A session
  // whose pageviews arrive out of time order is marked, and recounted below in time order.
  const last = scratch('last', Int32Array, sessions, -1); // previous path id, -1 before the first
  const lastTs = scratch('lastTs', Float64Array, sessions);
  const disorder = scratch('disorder', Uint8Array, sessions);
  let disordered = 0;
  for (let k = 0; k < n; k++) {
    const i = picked[k]!;
    const s = session[i]!;
    const t = ts[i]!;
    const prev = last[s]!;
    const to = path[i]!;
    // branch-free where the table is dense (whether a session has a previous page is a coin
    // toss per row): a move not counted goes to cell 0, a pair from no page, emptied below
    const back = bit(prev >= 0) & bit(t < lastTs[s]!);
    disordered += back & (1 - disorder[s]!);
    disorder[s] = disorder[s]! | back;
    const counted = bit(prev > 0) & (1 - disorder[s]!);
    if (dense) dense[counted * (prev * p + to)]!++;
    else if (counted) add(prev * p + to, 1);
    last[s] = to;
    lastTs[s] = t;
  }
  if (dense) dense[0] = 0;
  if (disordered) {
    // the marked sessions' pageviews, by session then time (then arrival): the moves counted
    // before the disorder showed are taken back, and the moves in time order counted
    const rows: number[] = [];
    for (let k = 0; k < n; k++) if (disorder[session[picked[k]!]!]) rows.push(picked[k]!);
    const byArrival = rows.slice();
    const bySessionTime = (a: number, b: number) =>
      session[a]! - session[b]! || ts[a]! - ts[b]! || a - b;
    byArrival.sort((a, b) => session[a]! - session[b]! || a - b);
    rows.sort(bySessionTime);
    for (let k = 1; k < rows.length; k++) {
      if (session[rows[k]!] !== session[rows[k - 1]!]) continue;
      const prev = path[rows[k - 1]!]!;
      if (prev !== 0) add(prev * p + path[rows[k]!]!, 1);
    }
    // the first pass's moves of a marked session: those before its first step back in time
    for (let k = 1; k < byArrival.length; k++) {
      const a = byArrival[k - 1]!;
      const b = byArrival[k]!;
      if (session[a] !== session[b]) continue;
      if (ts[b]! < ts[a]!) {
        // skip the rest of this session
        const s = session[b]!;
        while (k + 1 < byArrival.length && session[byArrival[k + 1]!] === s) k++;
        continue;
      }
      if (path[a] !== 0) add(path[a]! * p + path[b]!, -1);
    }
  }
  const pairs: [number, number][] = [];
  if (dense) {
    for (let key = 0; key < dense.length; key++) if (dense[key]) pairs.push([key, dense[key]!]);
  } else for (const [key, count] of sparse!) if (count > 0) pairs.push([key, count]);
  const from = (key: number) => values[Math.floor(key / p)]!;
  const to = (key: number) => values[key % p]!;
  pairs.sort(
    (a, b) => b[1] - a[1] || compareText(from(a[0]), from(b[0])) || compareText(to(a[0]), to(b[0])),
  );
  return pairs
    .slice(0, limit)
    .map(([key, count]) => ({ from: from(key)!, to: to(key), sessions: count }));
}
