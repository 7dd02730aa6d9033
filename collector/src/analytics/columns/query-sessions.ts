/**
 * The generic query from sessions instead of events, when it groups by time and session
 * dimensions only, asks for event counts, distinct visitors and sessions, and filters by session
 * dimensions only (`query.ts` decides): a session wholly inside one bucket adds its counted
 * events, its visitor and itself to its cell; the events of the sessions a bucket's end or the range's
 * start cuts are read one by one (`cut-sessions.ts`). At 10 M events that is 1.8 M sessions and
 * the events around midnights instead of every event of the range.
 */
import { BucketFinder, type Bucket } from '../time.js';
import { cutByStart, windowRows } from './cut-sessions.js';
import { bit, popcount, scratchPool } from './growable.js';
import { postToHelper, splitAt } from './helper-thread.js';
import type { SiteColumns } from './store.js';

/** A session dimension of the query: its id per session, and its weight in the cell key. */
export interface SessionDim {
  col: ArrayLike<number>;
  weight: number;
}

/** Per cell (bucket × session dimensions, in the query's mixed radix): the three metrics. */
export interface SessionCells {
  count: Int32Array;
  visitors: Int32Array;
  sessions: Int32Array;
}

/** Every session passes where there is no mask. */
const ONE = new Uint8Array([1]);

/** Bytes the cells' visitor bitmaps may take; beyond, the query reads events. */
const CELL_BITMAP_BYTES = 64 * 1024 * 1024;

/** The visitor bitmaps and cut marks, reused across queries (zeroed per call). */
const scratch = scratchPool();

/**
 * The cells of the sessions passing `mask` (at ordinal + 1; null: all) over the buckets `list`:
 * a session's cell is its bucket × `w0` plus each of `dims`' id × weight. As SQL's
 * `sessionCounted` (the definition): a whole session brings `sessions.events` and its visitor,
 * a cut one its events and their visitors. Null when the bitmaps would not fit.
 *
 * With many sessions and buckets, the helper thread (`helper-thread.ts`) takes the later half of
 * the sessions, into bitmaps and cells of its own; sessions come nearly in start order, so the
 * halves share only a bucket or two, whose visitors are counted once by their bitmaps' overlap.
 */
export function sessionCells(
  site: SiteColumns,
  list: readonly Bucket[],
  mask: Uint8Array | null,
  dims: readonly SessionDim[],
  w0: number,
  cells: number,
): SessionCells | null {
  const words = Math.max(1, (site.visitors + 31) >>> 5);
  if (cells * words * 4 > CELL_BITMAP_BYTES) return null;
  const from = list[0]!.start;
  const to = list.at(-1)!.end;
  const q: CellQuery = {
    start: site.sStart.data,
    end: site.sEnd.data,
    held: site.sEvents.data,
    vis: site.sVisitor.data,
    mask,
    dims,
    w0,
    cells,
    words,
    from,
    to,
    starts: Float64Array.from(list, (b) => b.start),
    ends: Float64Array.from(list, (b) => b.end),
  };
  const r = site.sBlocks.ranges(from, to, false, site.sessions);
  const total = r.reduce((n, x, j) => n + (j & 1 ? x : -x), 0);
  // the later half in the helper, where there are buckets (else every session shares the cells)
  // and both halves' bitmaps fit
  const split = w0 > 0 && total >= splitAt.sessions && 2 * cells * words * 4 <= CELL_BITMAP_BYTES;
  const [r0, r1] = split ? halves(r, total) : [r, []];
  const posted = split ? postToHelper('sessionsPart', [q, r1, 'helper']) : null;
  const mine = sessionsPart(q, posted ? r0 : r, 'main');
  const theirs = posted ? (posted.wait() ?? sessionsPart(q, r1, 'helper')) : null;
  // each bucket's bitmaps: this thread's, or the helper's where only it had the bucket
  const owner = new Uint8Array(list.length);
  if (theirs) join(mine, theirs, owner, w0, words);
  const { count, sessions, visitors, zeroed } = mine;
  const seen = [mine.seen, theirs?.seen ?? mine.seen];
  const cut = scratch('cut', Uint8Array, site.sessions + 1);
  const windows = [...mine.windows, ...(theirs?.windows ?? [])];
  for (const s of [...mine.cut, ...(theirs?.cut ?? [])]) cut[s + 1] = 1;
  cutByStart(site, from, to, mask, cut, windows);
  if (windows.length > 0) {
    const find = new BucketFinder(list);
    const ts = site.eTs.data;
    const sess = site.eSession.data;
    const evis = site.eVisitor.data;
    const rows = windowRows(site, windows);
    const span = w0 * words;
    // a cut session counts once in each cell it has events in
    const counted = new Set<number>();
    for (let k = 0; k < rows.length; k += 4) {
      const a = rows[k]!;
      const b = rows[k + 1]!;
      for (let i = rows[k + 2]!; i < rows[k + 3]!; i++) {
        const t = ts[i]!;
        const s = sess[i]!;
        if (t < a || t >= b || !cut[s + 1]) continue;
        const bucket = find.of(t);
        if (!zeroed[bucket]) zeroOne(mine.seen, zeroed, bucket, span);
        const bits = seen[owner[bucket]!]!;
        const cell = (bucket * w0 + partOf(dims, s)) | 0;
        count[cell]!++;
        const v = evis[i]!;
        const w = cell * words + (v >>> 5);
        const bitOf = 1 << (v & 31);
        const old = bits[w]!;
        visitors[cell]! += bit((old & bitOf) === 0);
        bits[w] = old | bitOf;
        const pair = cell * (site.sessions + 1) + s;
        if (!counted.has(pair)) {
          counted.add(pair);
          sessions[cell]!++;
        }
      }
    }
  }
  return { count, visitors, sessions };
}

/** What `sessionsPart` reads: the session columns, the query's shape and its buckets. */
interface CellQuery {
  start: Float64Array;
  end: Float64Array;
  held: ArrayLike<number>;
  vis: ArrayLike<number>;
  mask: Uint8Array | null;
  dims: readonly SessionDim[];
  w0: number;
  cells: number;
  words: number;
  from: number;
  to: number;
  starts: Float64Array;
  ends: Float64Array;
}

/**
 * One thread's pass: its cells, their visitor bitmaps (`seen`, a bucket's zeroed when it is
 * first reached: `zeroed`), and the sessions a bucket's end cuts (`cut`, their windows).
 */
interface SessionsPart extends SessionCells {
  seen: Uint32Array;
  zeroed: Uint8Array;
  cut: number[];
  windows: number[];
}

/**
 * The sessions of the ordinal ranges `r` (pairs) started in the range and passing the mask: one
 * wholly inside its bucket into its cell and visitor bitmap; one a bucket's end cuts listed with
 * its window ([start, end + 1)) for its events to be read one by one. Into scratch arrays `name`
 * of this thread's own (a task of the helper thread, which writes into nothing it is given).
 */
export function sessionsPart(q: CellQuery, r: number[], name: string): SessionsPart {
  const { start, end, held, vis, dims, w0, cells, words, from, to, starts, ends } = q;
  const count = scratch(`count-${name}`, Int32Array, cells);
  const sessions = scratch(`sessions-${name}`, Int32Array, cells);
  // distinct visitors counted as their bits are set (no popcount over every cell's bitmap after)
  const visitors = scratch(`visitors-${name}`, Int32Array, cells);
  // each bucket's bitmaps zeroed when its first session or event arrives, so they are in cache
  // while its rows set bits (zeroing all first, 9 MB at 10 M events, left them to be fetched back
  // one line at a time); without buckets (`w0` 0) every row shares the cells, zeroed here
  const seen = scratch(`seen-${name}`, Uint32Array, cells * words, w0 ? null : 0);
  const zeroed = scratch(`zeroed-${name}`, Uint8Array, starts.length, w0 ? 0 : 1);
  const span = w0 * words;
  const cut: number[] = [];
  const windows: number[] = [];
  const m = q.mask ?? ONE; // (mask or not, one loop: `dm` 0 reads ONE[0])
  const dm = q.mask ? 1 : 0;
  // the common case, one dimension, read without a loop (from locals: loads from `dims[0]` in the
  // loop cost a third of its time)
  const oneCol = dims.length === 1 ? dims[0]!.col : null;
  const oneWeight = dims.length === 1 ? dims[0]!.weight : 0;
  let b = 0; // the bucket of the last session: sessions come nearly in start order
  for (let j = 0; j < r.length; j += 2) {
    for (let s = r[j]!; s < r[j + 1]!; s++) {
      const t = start[s]!;
      if (t < from || t >= to || !m[(s + 1) * dm] || held[s] === 0) continue;
      while (t >= ends[b]!) b++;
      while (t < starts[b]!) b--;
      if (!zeroed[b]) zeroOne(seen, zeroed, b, span);
      if (end[s]! < ends[b]!) {
        const part = oneCol ? oneCol[s]! * oneWeight : partOf(dims, s);
        const cell = (b * w0 + part) | 0; // (an int32 index: cells and bitmaps are capped)
        count[cell]! += held[s]!;
        sessions[cell]!++;
        const v = vis[s]!;
        const w = cell * words + (v >>> 5);
        const bitOf = 1 << (v & 31);
        const old = seen[w]!;
        visitors[cell]! += bit((old & bitOf) === 0);
        seen[w] = old | bitOf;
      } else {
        cut.push(s);
        windows.push(t, Math.min(end[s]! + 1, to));
      }
    }
  }
  return { count, sessions, visitors, seen, zeroed, cut, windows };
}

/** The session ranges `r` (pairs of ordinals, `total` sessions) in two with half each. */
function halves(r: number[], total: number): [number[], number[]] {
  const a: number[] = [];
  let left = total >>> 1;
  for (let j = 0; j < r.length; j += 2) {
    const n = r[j + 1]! - r[j]!;
    if (left >= n) {
      a.push(r[j]!, r[j + 1]!);
      left -= n;
      continue;
    }
    if (left > 0) a.push(r[j]!, r[j]! + left);
    return [a, [r[j]! + left, ...r.slice(j + 1)]];
  }
  return [a, []];
}

/**
 * The helper's cells into this thread's: counts and sessions add; a bucket only the helper
 * reached keeps its bitmaps there (`owner` 1), one both reached is merged into this thread's,
 * its visitors less those both bitmaps hold.
 */
function join(
  mine: SessionsPart,
  theirs: SessionsPart,
  owner: Uint8Array,
  w0: number,
  words: number,
): void {
  for (let c = 0; c < mine.count.length; c++) {
    mine.count[c]! += theirs.count[c]!;
    mine.sessions[c]! += theirs.sessions[c]!;
    mine.visitors[c]! += theirs.visitors[c]!;
  }
  const a = mine.seen;
  const b = theirs.seen;
  for (let k = 0; k < owner.length; k++) {
    if (!theirs.zeroed[k]) continue;
    if (!mine.zeroed[k]) {
      owner[k] = 1;
      mine.zeroed[k] = 1;
      continue;
    }
    for (let c = k * w0; c < (k + 1) * w0; c++) {
      let both = 0;
      for (let w = c * words; w < (c + 1) * words; w++) {
        both += popcount(a[w]! & b[w]!);
        a[w] = a[w]! | b[w]!;
      }
      mine.visitors[c]! -= both;
    }
  }
}

/** Zeroes bucket `b`'s visitor bitmaps (`span` words) and marks it zeroed. */
function zeroOne(seen: Uint32Array, zeroed: Uint8Array, b: number, span: number): void {
  seen.fill(0, b * span, (b + 1) * span);
  zeroed[b] = 1;
}

/** The dimensions' part of session `s`'s cell key. */
function partOf(dims: readonly SessionDim[], s: number): number {
  let part = 0;
  for (let d = 0; d < dims.length; d++) part += dims[d]!.col[s]! * dims[d]!.weight;
  return part;
}
