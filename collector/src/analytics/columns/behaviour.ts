/**
 * Retention cohorts, active users and funnels over columns: visitors and users are dense integer
 * ordinals, so "distinct" is a bitmap or a counting sort instead of a hash of id strings. The
 * callers hand over the rows that passed the report's filters; the results are those of
 * `analytics/behaviour.ts`, which stays the definition (and the SQL path).
 */
import { BucketFinder, type Bucket } from '../time.js';
import { bit, popcount, scratchPool, sharedArray, type Ctor } from './growable.js';
import type { TouchPlan } from './funnel-touches.js';
import { postToHelper, splitAt } from './helper-thread.js';

/**
 * The sessions a report reads, as parallel columns (only the first `length` rows count). Sessions
 * started outside the range asked for may be among them (the column store hands over its columns
 * as they are when no filter applies): the reports test `startedAt` against their range.
 */
export interface SessionRows {
  length: number;
  startedAt: Float64Array;
  /** dense visitor ordinal, < `visitors` */
  visitor: Int32Array;
  visitors: number;
  /** identified user ordinal, 1…`users`; 0 for none */
  user?: Int32Array;
  users?: number;
}

/**
 * Visitors by the bucket of their first visit (their first session before `to` among `rows`;
 * visitors first seen before `from` belong to no cohort), and per cohort how many were active
 * `k` buckets later, k = 0…periods. Returns [cohort sizes, returning counts per cohort]. By a
 * bitmap of visitors per bucket while they fit `bitmapBytes` and their ANDs cost less than the
 * rows, else by each visitor's first visit (both give the same counts).
 */
export function retentionCounts(
  rows: SessionRows,
  list: readonly Bucket[],
  from: number,
  to: number,
  periods: number,
  bitmapBytes = RETENTION_BITMAP_BYTES,
): { visitors: number[]; returning: number[][] } {
  const words = Math.max(1, (rows.visitors + 31) >>> 5);
  const cells = (list.length + 1) * words;
  if (cells * 4 <= bitmapBytes && cells * (periods + 2) <= 8 * rows.length + 4096)
    return retentionByBits(rows, list, from, to, periods, words);
  const find = new BucketFinder(list);
  const first = scratch('first', Float64Array, rows.visitors, Infinity);
  for (let i = 0; i < rows.length; i++) {
    const t = rows.startedAt[i]!;
    const v = rows.visitor[i]!;
    if (t < to && t < first[v]!) first[v] = t;
  }
  const cohort = scratch('cohort', Int32Array, rows.visitors, -1);
  const visitors = new Array<number>(list.length).fill(0);
  for (let v = 0; v < rows.visitors; v++) {
    const t = first[v]!;
    if (t >= from && t < to) {
      const c = find.of(t);
      cohort[v] = c;
      if (c >= 0) visitors[c]!++;
    }
  }
  const width = periods + 1;
  // branch-free (whether a session returns is a coin toss per row): a row that counts for no
  // cohort sets a spare bit past the visitors' and adds to a spare cell past the cohorts'
  const spareBit = rows.visitors * width;
  const seen = scratch('seen', Uint32Array, Math.ceil((spareBit + 1) / 32));
  const spareCell = list.length * width;
  const counts = scratch('counts', Int32Array, spareCell + 1);
  const { startedAt, visitor } = rows;
  for (let i = 0; i < rows.length; i++) {
    const t = startedAt[i]!;
    const v = visitor[i]!;
    const c = cohort[v]!;
    const k = find.of(t) - c; // the bucket is -1 outside [from, to)
    const ok = bit(t >= from) & bit(t < to) & bit(c >= 0) & bit(k >= 0) & bit(k <= periods);
    const b = ok * (v * width + k) + (1 - ok) * spareBit;
    const word = b >>> 5;
    const mask = 1 << (b & 31);
    const old = seen[word]!;
    seen[word] = old | mask;
    counts[ok * (c * width + k) + (1 - ok) * spareCell]! += bit((old & mask) === 0);
  }
  const returning = list.map((_, c) => Array.from(counts.subarray(c * width, (c + 1) * width)));
  return { visitors, returning };
}

/** Bytes `retentionCounts` may hold in bucket bitmaps. */
const RETENTION_BITMAP_BYTES = 64 * 1024 * 1024;

/**
 * `retentionCounts` by a bitmap of the visitors active in each bucket (and one of those seen
 * before `from`), set in one pass over the rows, each bucket's bitmap small enough to stay in
 * cache while its rows (in start order, mostly) set their bits. A cohort is its bucket's
 * visitors less every earlier one's; its return in bucket c + k is the AND with that bucket's.
 */
function retentionByBits(
  rows: SessionRows,
  list: readonly Bucket[],
  from: number,
  to: number,
  periods: number,
  words: number,
): { visitors: number[]; returning: number[][] } {
  const n = list.length;
  const bits = scratch('bucketBits', Uint32Array, (n + 1) * words); // row n: before `from`
  const find = new BucketFinder(list);
  const { startedAt, visitor } = rows;
  for (let i = 0; i < rows.length; i++) {
    const t = startedAt[i]!;
    if (!(t < to)) continue;
    const v = visitor[i]!;
    const b = t < from ? n : find.of(t);
    bits[(b < 0 ? n : b) * words + (v >>> 5)]! |= 1 << (v & 31);
  }
  const prior = scratch('prior', Uint32Array, words); // seen in an earlier bucket, or before
  prior.set(bits.subarray(n * words, (n + 1) * words));
  const cohort = scratch('cohortBits', Uint32Array, words);
  const visitors: number[] = [];
  const returning: number[][] = [];
  for (let c = 0; c < n; c++) {
    const row = c * words;
    let size = 0;
    for (let w = 0; w < words; w++) {
      const x = bits[row + w]!;
      const fresh = x & ~prior[w]!;
      cohort[w] = fresh;
      prior[w] = prior[w]! | x;
      size += popcount(fresh);
    }
    visitors.push(size);
    const back = new Array<number>(periods + 1).fill(0);
    for (let k = 0; k <= periods && c + k < n; k++) {
      const later = (c + k) * words;
      let m = 0;
      for (let w = 0; w < words; w++) m += popcount(cohort[w]! & bits[later + w]!);
      back[k] = m;
    }
    returning.push(back);
  }
  return { visitors, returning };
}

/**
 * Per day of `days`: how many distinct ids (`id[i]` of row i, ids < `ids`) were seen on that day
 * and the `span - 1` before it, for each span; rows with `day[i] < 0` are left out, and the
 * windows ending before `firstDay` are not counted (0). The rows are
 * walked in day order (as given when they are in it, else after a counting sort by day): an id
 * first seen on day d counts for the windows ending on d … d + span − 1, through a difference
 * array, less the days its previous day's windows already covered.
 */
export function slidingDistinct(
  day: Int32Array,
  id: Int32Array,
  length: number,
  ids: number,
  days: number,
  spans: readonly number[],
  firstDay = 0,
  bitmapBytes = SLIDING_BITMAP_BYTES,
): number[][] {
  const words = Math.max(1, (ids + 31) >>> 5);
  if (3 * days * words * 4 <= bitmapBytes)
    return slidingByDayBits(day, id, length, words, days, spans, firstDay);
  // rows by day: as they are when already in day order (sessions are, nearly), else sorted
  let inOrder = true;
  for (let i = 1, prev = -1; i < length && inOrder; i++) {
    const d = day[i - 1]!;
    if (d >= 0) prev = d;
    inOrder = day[i]! < 0 || day[i]! >= prev;
  }
  let byDay: Int32Array;
  let dayOf: Int32Array;
  if (inOrder) {
    byDay = id;
    dayOf = day;
  } else {
    const start = new Int32Array(days + 1);
    for (let i = 0; i < length; i++) if (day[i]! >= 0) start[day[i]! + 1]!++;
    for (let d = 0; d < days; d++) start[d + 1]! += start[d]!;
    const at = start.slice(0, days);
    byDay = new Int32Array(start[days]!);
    dayOf = new Int32Array(start[days]!);
    for (let i = 0; i < length; i++) {
      const d = day[i]!;
      if (d < 0) continue;
      byDay[at[d]!] = id[i]!;
      dayOf[at[d]!++] = d;
    }
    length = start[days]!;
  }
  const last = new Int32Array(ids).fill(-1); // each id's latest day so far
  const diff = spans.map(() => new Int32Array(days + 1));
  for (let k = 0; k < length; k++) {
    const d = dayOf[k]!;
    if (d < 0) continue;
    const v = byDay[k]!;
    const prev = last[v]!;
    // branch-free (whether an id was seen the same day already is a coin toss per row): an
    // update that counts nothing goes to the spare last cell, which no window reads
    const fresh = bit(prev !== d);
    last[v] = d;
    // the windows ending on d … d + span − 1, less those its previous day already counted
    for (let s = 0; s < spans.length; s++) {
      const span = spans[s]!;
      const lo = Math.max(d, prev + span * bit(prev >= 0)); // prev -1: never seen
      const hi = Math.min(d + span, days);
      const ok = fresh & bit(lo < hi);
      const dd = diff[s]!;
      dd[ok * lo + (1 - ok) * days]!++;
      dd[ok * hi + (1 - ok) * days]!--;
    }
  }
  return diff.map((dd) => {
    const out = new Array<number>(days);
    let run = 0;
    for (let k = 0; k < days; k++) out[k] = run += dd[k]!;
    return out.fill(0, 0, firstDay);
  });
}

/** Bytes `slidingDistinct` may hold in day bitmaps (three sets of them). */
const SLIDING_BITMAP_BYTES = 96 * 1024 * 1024;

/** Scratch bitmaps of `slidingByDayBits`, zeroed per call. */
const dayBits = scratchPool();

/** The other scratch arrays of these reports (megabytes per call at 10 M events). */
const scratch = scratchPool();

/**
 * `slidingDistinct` by a bitmap of ids per day: a window's ids are the OR of its days' bitmaps,
 * counted. Each span's windows are ORs of two precomputed runs (within blocks of `span` days: the
 * OR from the block's start up to a day, and from a day to the block's end), so every window
 * costs one OR of two bitmaps whatever its length. No id is looked up at random: a day's
 * bitmap (41 KB at 330 k ids) stays in cache while its rows set their bits.
 */
function slidingByDayBits(
  day: Int32Array,
  id: Int32Array,
  length: number,
  words: number,
  days: number,
  spans: readonly number[],
  firstDay: number,
): number[][] {
  const bits = dayBits('bits', Uint32Array, days * words);
  for (let i = 0; i < length; i++) {
    const d = day[i]!;
    if (d < 0) continue;
    const v = id[i]!;
    bits[d * words + (v >>> 5)]! |= 1 << (v & 31);
  }
  // (reused across calls: megabytes allocated per call make V8 collect often; every word read
  // is written first)
  const upTo = dayBits('upTo', Uint32Array, days * words, null); // OR from the block's first day on
  const from = dayBits('from', Uint32Array, days * words, null); // OR from this day to the block's last
  return spans.map((span) =>
    span === 1
      ? oneDayWindows(bits, words, days, firstDay)
      : spanWindows(bits, upTo, from, words, days, span, firstDay),
  );
}

/** `slidingByDayBits`' windows of one day: each day's bitmap counted. */
function oneDayWindows(bits: Uint32Array, words: number, days: number, firstDay: number) {
  const out = new Array<number>(days).fill(0);
  for (let d = firstDay; d < days; d++) {
    let n = 0;
    for (let w = d * words; w < (d + 1) * words; w++) n += popcount(bits[w]!);
    out[d] = n;
  }
  return out;
}

/**
 * `slidingByDayBits`' windows of `span` days (a function of its own: loops in a closure read
 * their arrays from its context, slower).
 */
function spanWindows(
  bits: Uint32Array,
  upTo: Uint32Array,
  from: Uint32Array,
  words: number,
  days: number,
  span: number,
  firstDay: number,
): number[] {
  const out = new Array<number>(days).fill(0);
  // only what the windows answered read: `upTo` from the block of `firstDay` on, `from` down
  // to the earliest window's first day
  for (let d = Math.floor(firstDay / span) * span; d < days; d++) {
    const row = d * words;
    const first = d % span === 0;
    for (let w = 0; w < words; w++)
      upTo[row + w] = bits[row + w]! | (first ? 0 : upTo[row - words + w]!);
  }
  for (let d = days - 1; d >= Math.max(0, firstDay - span + 1); d--) {
    const row = d * words;
    const last = d % span === span - 1 || d === days - 1;
    for (let w = 0; w < words; w++)
      from[row + w] = bits[row + w]! | (last ? 0 : from[row + words + w]!);
  }
  for (let d = firstDay; d < days; d++) {
    // the window [d - span + 1, d]: a block's start up to d (then the window starts the
    // block, or the data), or the end of one block and the start of the next
    const lo = Math.max(0, d - span + 1);
    const a = lo * words;
    const b = d * words;
    let n = 0;
    if (Math.floor(lo / span) === Math.floor(d / span))
      for (let w = 0; w < words; w++) n += popcount(upTo[b + w]!);
    else for (let w = 0; w < words; w++) n += popcount(from[a + w]! | upTo[b + w]!);
    out[d] = n;
  }
  return out;
}

/** Touches sorted by insertion at most: a visitor's few, or a run of a merge sort's. */
const SORT_RUN = 32;

/**
 * Sorts the touches lo…hi−1 by time, then arrival: `rec` holds each touch's time and arrival
 * side by side (2k, 2k+1), `steps` its steps. A visitor's few touches (in runs already ordered,
 * list after list) by insertion; more by a merge sort of such runs over two scratch buffers, so
 * a visitor with thousands of touches neither takes quadratic time nor allocates.
 */
function sortTouches(rec: Float64Array, steps: Uint16Array, lo: number, hi: number): void {
  for (let a = lo; a < hi; a += SORT_RUN) insertTouches(rec, steps, a, Math.min(hi, a + SORT_RUN));
  const n = hi - lo;
  if (n <= SORT_RUN) return;
  let a = scratch('sortRec', Float64Array, 2 * n);
  let as = scratch('sortSteps', Uint16Array, n);
  let b = scratch('sortRecTo', Float64Array, 2 * n);
  let bs = scratch('sortStepsTo', Uint16Array, n);
  a.set(rec.subarray(2 * lo, 2 * hi));
  as.set(steps.subarray(lo, hi));
  for (let w = SORT_RUN; w < n; w *= 2) {
    for (let s = 0; s < n; s += 2 * w) {
      const m = Math.min(n, s + w);
      const e = Math.min(n, s + 2 * w);
      for (let i = s, j = m, k = s; k < e; k++) {
        // from the second run when the first is spent or its head comes later
        const second =
          i >= m ||
          (j < e &&
            (a[2 * j]! < a[2 * i]! || (a[2 * j] === a[2 * i] && a[2 * j + 1]! < a[2 * i + 1]!)));
        const x = second ? j++ : i++;
        b[2 * k] = a[2 * x]!;
        b[2 * k + 1] = a[2 * x + 1]!;
        bs[k] = as[x]!;
      }
    }
    [a, b, as, bs] = [b, a, bs, as];
  }
  rec.set(a, 2 * lo);
  steps.set(as, lo);
}

/** Insertion sort of the touches lo…hi−1 (see `sortTouches`). */
function insertTouches(rec: Float64Array, steps: Uint16Array, lo: number, hi: number): void {
  for (let k = lo + 1; k < hi; k++) {
    const t = rec[2 * k]!;
    const o = rec[2 * k + 1]!;
    const s = steps[k]!;
    let j = k - 1;
    for (; j >= lo && (rec[2 * j]! > t || (rec[2 * j] === t && rec[2 * j + 1]! > o)); j--) {
      rec[2 * j + 2] = rec[2 * j]!;
      rec[2 * j + 3] = rec[2 * j + 1]!;
      steps[j + 1] = steps[j]!;
    }
    rec[2 * j + 2] = t;
    rec[2 * j + 3] = o;
    steps[j + 1] = s;
  }
}

/**
 * Active users' windows over the local days `list`: per span of `spans`, the distinct visitors
 * and the distinct identified users (user id > 0) of the rows started in the windows ending on
 * each day (`slidingDistinct`, from `firstDay` on). Over many rows, the helper thread counts the
 * users while this one counts the visitors.
 */
export function activeWindows(
  rows: SessionRows,
  list: readonly Bucket[],
  spans: readonly number[],
  firstDay: number,
): { visitors: number[][]; users: number[][] } {
  const { startedAt, length, user } = rows;
  const posted =
    user && length >= splitAt.sessions
      ? postToHelper('activeIds', [startedAt, user, length, rows.users!, list, spans, firstDay])
      : null;
  if (!posted) {
    // one day index for both
    const day = dayIndex(startedAt, length, list, null);
    const visitors = slidingDistinct(
      day,
      rows.visitor,
      length,
      rows.visitors,
      list.length,
      spans,
      firstDay,
    );
    const users = user ?? new Int32Array(length);
    const userDay = scratch('userDay', Int32Array, length, null);
    for (let i = 0; i < length; i++) userDay[i] = users[i] ? day[i]! : -1;
    const byUser = slidingDistinct(
      userDay,
      users,
      length,
      rows.users ?? 1,
      list.length,
      spans,
      firstDay,
    );
    return { visitors, users: byUser };
  }
  const visitors = activeIds(
    startedAt,
    rows.visitor,
    length,
    rows.visitors,
    list,
    spans,
    firstDay,
    false,
  );
  const users =
    posted.wait() ?? activeIds(startedAt, user!, length, rows.users!, list, spans, firstDay);
  return { visitors, users };
}

/**
 * `slidingDistinct` of the ids `id` of rows started at `startedAt` (`length` of them, `ids`
 * distinct) over the local days `list`; `known`: only the rows with an id > 0. A task of the
 * helper thread.
 */
export function activeIds(
  startedAt: Float64Array,
  id: Int32Array,
  length: number,
  ids: number,
  list: readonly Bucket[],
  spans: readonly number[],
  firstDay: number,
  known = true,
): number[][] {
  const day = dayIndex(startedAt, length, list, known ? id : null);
  return slidingDistinct(day, id, length, ids, list.length, spans, firstDay);
}

/**
 * Day index (into `list`) of each row's start, -1 outside (`buckets` end at the range's) or,
 * given `known`, where its id is 0.
 */
function dayIndex(
  startedAt: Float64Array,
  length: number,
  list: readonly Bucket[],
  known: Int32Array | null,
): Int32Array {
  const find = new BucketFinder(list);
  const out = scratch('day', Int32Array, length, null);
  if (known) for (let i = 0; i < length; i++) out[i] = known[i] ? find.of(startedAt[i]!) : -1;
  else for (let i = 0; i < length; i++) out[i] = find.of(startedAt[i]!);
  return out;
}

/** The events of a funnel: those matching at least one step, with the steps each matches. */
export interface Touches {
  length: number;
  visitor: Uint32Array;
  ts: Float64Array;
  /** tie-break of equal times: arrival order */
  order: Float64Array;
  /** bit k: the event matches step k */
  steps: Uint16Array;
  visitors: number;
  /**
   * touches not copied yet (the arrays empty, `length` at most this many): the funnel copies
   * them from these lists as it walks them (`funnel-touches.ts`)
   */
  plan?: TouchPlan;
}

/** No touches, no room (`roomFor` grows it). */
export function emptyTouches(): Touches {
  return {
    length: 0,
    visitor: new Uint32Array(0),
    ts: new Float64Array(0),
    order: new Float64Array(0),
    steps: new Uint16Array(0),
    visitors: 0,
  };
}

/** `t` with room for `need` touches, its first `n` kept (a new array doubles the old). */
export function roomFor(t: Touches, n: number, need: number): Touches {
  if (t.visitor.length >= need) return t;
  const size = Math.max(need, 2 * t.visitor.length);
  // on shared memory, so the helper thread can take half of `funnelReached`
  const grown = <A extends Uint32Array | Float64Array | Uint16Array>(a: A, ctor: Ctor<A>) => {
    const b = sharedArray(ctor, size);
    b.set(a.subarray(0, n));
    return b;
  };
  return {
    ...t,
    visitor: grown(t.visitor, Uint32Array),
    ts: grown(t.ts, Float64Array),
    order: grown(t.order, Float64Array),
    steps: grown(t.steps, Uint16Array),
  };
}

/**
 * The most steps one visitor's touches lo…hi−1 (in time order) reach: in one pass, per step the
 * latest start (a step-1 time) of a chain that has reached it (`begun`, scratch); a touch of step
 * k extends the chain of step k−1 when within `windowMs` of its start (a later start leaves the
 * most room). Steps are tried from the last down, so one touch extends a chain by one step only,
 * as a walk forward from each start would.
 */
function deepest(
  rec: Float64Array,
  steps: Uint16Array,
  lo: number,
  hi: number,
  nSteps: number,
  windowMs: number,
  begun: Float64Array,
): number {
  for (let k = 0; k < nSteps; k++) begun[k] = -Infinity;
  let best = 0;
  for (let i = lo; i < hi && best < nSteps; i++) {
    const st = steps[i]!;
    const t = rec[2 * i]!;
    for (let k = nSteps - 1; k > 0; k--)
      if ((st >>> k) & 1 && t - begun[k - 1]! <= windowMs && begun[k - 1]! > begun[k]!) {
        begun[k] = begun[k - 1]!;
        if (k + 1 > best) best = k + 1;
      }
    if (st & 1) {
      begun[0] = t;
      if (best < 1) best = 1;
    }
  }
  return best;
}

/**
 * How many visitors reached each step: from any step-1 event, each next step matched by a later
 * event within `windowMs` of it, each visitor's touches in time order (ties in arrival order);
 * the steps as bitmasks. A visitor with a step-1 touch reaches step 1; only those that also have
 * a step-2 touch can reach further, so only their touches are grouped and walked.
 *
 * Each pass is a function of its own: a report runs once per request, so its loops are optimized
 * on the stack (OSR), and one function holding them all was optimized before the later passes
 * had run, left that code at them on every call, and ran them unoptimized.
 */
export function funnelReached(t: Touches, nSteps: number, windowMs: number): number[] {
  if (t.length < splitAt.touches || !(t.visitor.buffer instanceof SharedArrayBuffer))
    return funnelPart(t, nSteps, windowMs, 0, 1);
  // the visitors in two halves by their ordinal's parity, one in the helper thread
  const odd = postToHelper('funnelPart', [t, nSteps, windowMs, 1, 2]);
  if (!odd) return funnelPart(t, nSteps, windowMs, 0, 1);
  const even = funnelPart(t, nSteps, windowMs, 0, 2);
  const other = odd.wait() ?? funnelPart(t, nSteps, windowMs, 1, 2);
  return even.map((n, k) => n + other[k]!);
}

/**
 * `funnelReached` over the visitors whose ordinal is `part` modulo `parts` (a power of two):
 * the visitors' answers are independent, so the parts' counts add up to the whole's.
 */
export function funnelPart(
  t: Touches,
  nSteps: number,
  windowMs: number,
  part: number,
  parts: number,
): number[] {
  const nv = t.visitors;
  // per visitor in one word, one random access per touch: its touches (from bit 2: up to 2^30,
  // more than the touch buffers could hold) and whether it touched steps 1 and 2 (bits 0, 1)
  const word = scratch('word', Uint32Array, nv);
  const reached = new Array<number>(nSteps).fill(0);
  reached[0] = countTouches(t, word, part, parts - 1);
  if (nSteps < 2) return reached;
  // where the touches of each visitor with steps 1 and 2 go, one after the other (-1: the
  // others, not grouped): a counting sort over those visitors only
  const at = scratch('at', Int32Array, nv);
  // and a bit per visitor, set for those (41 KB at 330 k visitors: within a core's first-level
  // cache, where `at` is 1.3 MB): the touches of the others are passed over without reading `at`
  const grouped = scratch('grouped', Uint32Array, (nv + 31) >>> 5);
  const m = groupSlots(word, nv, at, grouped, part, parts - 1);
  // time and arrival side by side (one random write of 16 bytes per touch; the steps go to a
  // smaller array): each visitor's are then read in sequence, not looked up across the range
  // (not zeroed: every slot is written before the walk reads it)
  const rec = scratch('byVisitorTouch', Float64Array, 2 * m, null);
  const steps = scratch('byVisitorSteps', Uint16Array, m, null);
  groupTouches(t, grouped, at, rec, steps);
  walkGrouped(at, nv, rec, steps, windowMs, reached);
  return reached;
}

/**
 * Counts each visitor's touches into `word` (see `funnelReached`); returns the visitors of the
 * part (`(v & mask) === part`) with a step-1 touch.
 */
function countTouches(t: Touches, word: Uint32Array, part: number, mask: number): number {
  const { length: n, visitors: nv, visitor, steps } = t;
  for (let i = 0; i < n; i++) {
    const v = visitor[i]!;
    word[v] = (word[v]! + 4) | (steps[i]! & 3);
  }
  let first = 0;
  for (let v = 0; v < nv; v++) first += word[v]! & bit((v & mask) === part);
  return first;
}

/**
 * Each grouped visitor's first slot into `at` (−1: not grouped) and bit, the visitors of the part
 * with steps 1 and 2; returns the slots.
 */
function groupSlots(
  word: Uint32Array,
  nv: number,
  at: Int32Array,
  grouped: Uint32Array,
  part: number,
  mask: number,
): number {
  let m = 0;
  for (let v = 0; v < nv; v++) {
    const w = word[v]!;
    const both = (w & 3) === 3 && (v & mask) === part;
    at[v] = both ? m : -1;
    m += both ? w >>> 2 : 0;
    grouped[v >>> 5] = grouped[v >>> 5]! | (bit(both) << (v & 31));
  }
  return m;
}

/** The grouped visitors' touches to their slots; `at` then holds where each one's end. */
function groupTouches(
  t: Touches,
  grouped: Uint32Array,
  at: Int32Array,
  rec: Float64Array,
  steps: Uint16Array,
): void {
  const { length: n, visitor, ts, order, steps: touchSteps } = t;
  for (let i = 0; i < n; i++) {
    const v = visitor[i]!;
    if (((grouped[v >>> 5]! >>> (v & 31)) & 1) === 0) continue;
    const k = at[v]!;
    at[v] = k + 1;
    rec[2 * k] = ts[i]!;
    rec[2 * k + 1] = order[i]!;
    steps[k] = touchSteps[i]!;
  }
}

/** Each grouped visitor's touches put in time order and walked: counts the steps reached. */
function walkGrouped(
  at: Int32Array,
  nv: number,
  rec: Float64Array,
  steps: Uint16Array,
  windowMs: number,
  reached: number[],
): void {
  const nSteps = reached.length;
  const begun = new Float64Array(nSteps);
  for (let v = 0, lo = 0; v < nv; v++) {
    const hi = at[v]!;
    if (hi < 0) continue;
    // rows arrive nearly in time order: sort only a visitor whose touches are not
    let inOrder = true;
    for (let k = lo + 1; k < hi && inOrder; k++) {
      const a = rec[2 * k - 2]!;
      const b = rec[2 * k]!;
      inOrder = a < b || (a === b && rec[2 * k - 1]! <= rec[2 * k + 1]!);
    }
    if (!inOrder) sortTouches(rec, steps, lo, hi);
    const best = deepest(rec, steps, lo, hi, nSteps, windowMs, begun);
    for (let k = 1; k < best; k++) reached[k]!++;
    lo = hi;
  }
}
