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
import { bit, scratchPool } from './growable.js';
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
  const find = new BucketFinder(list);
  const ends = Float64Array.from(list, (b) => b.end);
  const start = site.sStart.data;
  const end = site.sEnd.data;
  const held = site.sEvents.data;
  const vis = site.sVisitor.data;
  const count = new Int32Array(cells);
  const sessions = new Int32Array(cells);
  // distinct visitors counted as their bits are set (no popcount over every cell's bitmap after)
  const visitors = new Int32Array(cells);
  // each bucket's bitmaps zeroed when its first session or event arrives, so they are in cache
  // while its rows set bits (zeroing all first, 9 MB at 10 M events, left them to be fetched back
  // one line at a time); without buckets (`w0` 0) every row shares the cells, zeroed here
  const seen = scratch('seen', Uint32Array, cells * words, w0 ? null : 0);
  const zeroed = new Uint8Array(list.length).fill(w0 ? 0 : 1);
  const span = w0 * words;
  const cut = scratch('cut', Uint8Array, site.sessions + 1);
  const windows: number[] = [];
  const starts = Float64Array.from(list, (b) => b.start);
  const m = mask ?? ONE; // (mask or not, one loop: `dm` 0 reads ONE[0])
  const dm = mask ? 1 : 0;
  // the common case, one dimension, read without a loop (from locals: loads from `dims[0]` in the
  // loop cost a third of its time)
  const oneCol = dims.length === 1 ? dims[0]!.col : null;
  const oneWeight = dims.length === 1 ? dims[0]!.weight : 0;
  let b = 0; // the bucket of the last session: sessions come nearly in start order
  const r = site.sBlocks.ranges(from, to, false, site.sessions);
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
        cut[s + 1] = 1;
        windows.push(t, Math.min(end[s]! + 1, to));
      }
    }
  }
  cutByStart(site, from, to, mask, cut, windows);
  if (windows.length > 0) {
    const ts = site.eTs.data;
    const sess = site.eSession.data;
    const evis = site.eVisitor.data;
    const rows = windowRows(site, windows);
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
        if (!zeroed[bucket]) zeroOne(seen, zeroed, bucket, span);
        const cell = (bucket * w0 + partOf(dims, s)) | 0;
        count[cell]!++;
        const v = evis[i]!;
        const w = cell * words + (v >>> 5);
        const bitOf = 1 << (v & 31);
        const old = seen[w]!;
        visitors[cell]! += bit((old & bitOf) === 0);
        seen[w] = old | bitOf;
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
