/**
 * The sessions report's paths over columns: the most common moves from one page to the next
 * within a session (as the SQL window `lag(path) OVER (PARTITION BY session ORDER BY ts, rowid)`
 * of `analytics/reports.ts`, over the pageviews within their session's time).
 *
 * The store links each pageview to its session's previous one as it appends them
 * (`PageviewLinks`), so a report reads each pageview's move from one column in row order instead
 * of keeping a previous page per session while it walks. A session whose pageviews arrived out of
 * time order, or lie outside its stored start and end, is recounted from its rows in time order.
 */
import { compareText } from './dictionary.js';
import { bit, Growable, scratchPool } from './growable.js';
import { postToHelper, splitAt } from './helper-thread.js';

type Ids = ArrayLike<number>;

/** Scratch arrays reused across calls (the report runs often). */
const scratch = scratchPool();

/** Pair counts in a dense table while it stays this small, else in a Map. */
const DENSE_CELLS = 1 << 22;

/** `PageviewLinks.prev` of a pageview whose session is not known yet. */
const UNLINKED = -2;

/** How `topTransitions` reads a chosen session's pageviews (`chosen` per session). */
export const FAST = 1;
/** … from its rows in time order (out of order, or outside its start and end). */
export const RECOUNT = 2;

export interface Transition {
  from: string;
  to: string | null;
  sessions: number;
}

/**
 * Per pageview (by position in the site's pageview row list): the path id of its session's
 * previous pageview in arrival order (0: one without a path; -1: none, the session's first); per
 * session: the path and time of its last pageview, the time of its first, and whether one arrived
 * earlier in time than the one before it.
 */
export class PageviewLinks {
  readonly prev = new Growable(Int32Array);
  /**
   * per pageview: its session ordinal (-1 until linked), path id, visitor ordinal and time, read in
   * sequence (pageview-only scans read these instead of gathering from the event columns)
   */
  readonly session = new Growable(Int32Array);
  readonly path = new Growable(Int32Array);
  readonly visitor = new Growable(Int32Array);
  readonly ts = new Growable(Float64Array);
  readonly last = new Growable(Int32Array);
  readonly lastTs = new Growable(Float64Array);
  readonly firstTs = new Growable(Float64Array);
  readonly disorder = new Growable(Uint8Array);

  /** A new session ordinal (sessions are added in ordinal order). */
  addSession(): void {
    this.last.push(-1);
    this.lastTs.push(-Infinity);
    this.firstTs.push(Infinity);
    this.disorder.push(0);
  }

  /**
   * The next pageview of the list (path id, visitor ordinal, time), not linked yet (its session
   * may come later); its position.
   */
  addPageview(path: number, visitor: number, ts: number): number {
    this.session.push(-1);
    this.path.push(path);
    this.visitor.push(visitor);
    this.ts.push(ts);
    return this.prev.push(UNLINKED);
  }

  /** Links pageview `k` (time `t`, path id `path`) to session `s`, after its earlier ones. */
  link(k: number, s: number, t: number, path: number): void {
    const prev = this.last.data[s]!;
    this.prev.data[k] = prev;
    this.session.data[k] = s;
    if (prev === -1) this.firstTs.data[s] = t;
    else if (t < this.lastTs.data[s]!) this.disorder.data[s] = 1;
    this.last.data[s] = path;
    this.lastTs.data[s] = t;
  }

  /** How session `s`, started at `start` and ended at `end`, is read: `FAST` or `RECOUNT`. */
  mode(s: number, start: number, end: number): number {
    return (
      FAST +
      (this.disorder.data[s]! |
        bit(this.firstTs.data[s]! < start) |
        bit(this.lastTs.data[s]! > end))
    );
  }

  fit(): void {
    for (const c of [...this.perPageview(), ...this.perSession()]) c.fit();
  }

  /** Bytes held per pageview, and per session. */
  get pageviewBytes(): number {
    return this.perPageview().reduce((n, c) => n + c.bytes, 0);
  }
  get sessionBytes(): number {
    return this.perSession().reduce((n, c) => n + c.bytes, 0);
  }

  private perPageview() {
    return [this.prev, this.session, this.path, this.visitor, this.ts];
  }
  private perSession() {
    return [this.last, this.lastTs, this.firstTs, this.disorder];
  }
}

/** What `topTransitions` walks: the pageviews at positions [a, b) of a row list, and their sessions. */
export interface PathWalk {
  /** pageview rows, ascending (the site's pageview row list) */
  rows: Int32Array;
  a: number;
  b: number;
  /** per position (`PageviewLinks`): the previous pageview's path, the session and the path */
  prev: Int32Array;
  pvSession: Int32Array;
  pvPath: Int32Array;
  /** by row: session ordinal, time, path id (for the sessions recounted) */
  session: Int32Array;
  ts: Float64Array;
  path: Ids;
  /** per session: 0 not in the report, `FAST`, or `RECOUNT` */
  chosen: Uint8Array;
  start: Float64Array;
  end: Float64Array;
}

/**
 * The `limit` most common moves (by sessions desc, from, to) of the chosen sessions; `values`
 * are the path dictionary (id 0 = none). Moves from a pageview without a path are left out, as
 * SQL's `prev IS NOT NULL`. Over many pageviews with a dense table, the helper thread
 * (`helper-thread.ts`) counts the later half of them.
 */
export function topTransitions(
  w: PathWalk,
  values: readonly (string | null)[],
  limit = 20,
): Transition[] {
  const { session, ts, path } = w;
  const p = values.length;
  const dense = p * p <= DENSE_CELLS;
  const mid = w.a + ((w.b - w.a) >>> 1);
  const posted =
    dense && w.b - w.a >= splitAt.pageviews
      ? postToHelper('transitionPass', [w, mid, w.b, p, 'helper'])
      : null;
  const mine = transitionPass(w, w.a, posted ? mid : w.b, p, 'main');
  const theirs = posted ? (posted.wait() ?? transitionPass(w, mid, w.b, p, 'helper')) : null;
  const recount = theirs ? mine.recount.concat(theirs.recount) : mine.recount;
  // the other sessions' pageviews within their time, by session then time (then arrival)
  sortBySessionTime(recount, session, ts);
  const { pairs: table, sparse } = mine;
  for (let k = 1; k < recount.length; k++) {
    if (session[recount[k]!] !== session[recount[k - 1]!]) continue;
    const from = path[recount[k - 1]!]!;
    if (from !== 0) addPair(table, sparse, from * p + path[recount[k]!]!);
  }
  const pairs: [number, number][] = [];
  if (table) {
    // the helper's table, or one cell of zero read for every key
    const other = theirs?.pairs ?? EMPTY;
    const two = theirs?.pairs ? 1 : 0;
    for (let key = p; key < table.length; key++) {
      const n = table[key]! + other[key * two]!;
      if (n) pairs.push([key, n]);
    }
  } else for (const [key, count] of sparse!) if (count > 0) pairs.push([key, count]);
  return rankPairs(pairs, values, limit);
}

/** No second table (`topTransitions`). */
const EMPTY = new Int32Array(1);

/** One thread's moves over pageview positions: a dense pair table or a Map, and rows to recount. */
interface TransitionPass {
  pairs: Int32Array | null;
  sparse: Map<number, number> | null;
  recount: number[];
}

/**
 * The moves of the chosen sessions' pageviews at positions [a, b) (`p` paths): a fast session's
 * counted from its links, a recounted one's rows listed. Into scratch arrays `name` of this
 * thread's own (a task of the helper thread, which writes into nothing it is given).
 */
export function transitionPass(
  w: PathWalk,
  a: number,
  b: number,
  p: number,
  name: string,
): TransitionPass {
  const { rows, prev, pvSession, pvPath, ts, chosen, start, end } = w;
  const dense = p * p <= DENSE_CELLS ? scratch(`pairs-${name}`, Int32Array, p * p) : null;
  const sparse = dense ? null : new Map<number, number>();
  // (no closure over the loop's variables: V8 would keep them in a context, not in registers)
  // one pass in row order: a fast session's pageviews are all within its time and in time order,
  // so each one's move is its link. Branch-free where the table is dense (whether a pageview has
  // a previous one is a coin toss): a session's first pageview (-1) counts as a move from no page
  // (id 0), the table's first row, never read. Spread over that row by page, the adds do not
  // queue up on one cell.
  const recount: number[] = [];
  for (let k = a; k < b; k++) {
    const s = pvSession[k]!;
    const c = s < 0 ? 0 : chosen[s]!;
    if (c === FAST) {
      const from = prev[k]!;
      if (dense) dense[(from & ~(from >> 31)) * p + pvPath[k]!]!++;
      else if (from > 0) addPair(dense, sparse, from * p + pvPath[k]!);
    } else if (c === RECOUNT) {
      const i = rows[k]!;
      if (ts[i]! >= start[s]! && ts[i]! <= end[s]!) recount.push(i);
    }
  }
  return { pairs: dense, sparse, recount };
}

/** Sorts `rows` by session, then time, then arrival. */
function sortBySessionTime(rows: number[], session: ArrayLike<number>, ts: Float64Array): void {
  rows.sort((x, y) => session[x]! - session[y]! || ts[x]! - ts[y]! || x - y);
}

/** Adds one to the pair `key` of the table in use. */
function addPair(dense: Int32Array | null, sparse: Map<number, number> | null, key: number): void {
  if (dense) dense[key]!++;
  else sparse!.set(key, (sparse!.get(key) ?? 0) + 1);
}

/** The `limit` most frequent pairs (key: from × pages + to), as transitions. */
function rankPairs(
  pairs: [number, number][],
  values: readonly (string | null)[],
  limit: number,
): Transition[] {
  const p = values.length;
  const from = (key: number) => values[Math.floor(key / p)]!;
  const to = (key: number) => values[key % p]!;
  pairs.sort(
    (a, b) => b[1] - a[1] || compareText(from(a[0]), from(b[0])) || compareText(to(a[0]), to(b[0])),
  );
  return pairs
    .slice(0, limit)
    .map(([key, count]) => ({ from: from(key)!, to: to(key), sessions: count }));
}
