/**
 * The column versions of the pages report, the sessions report and the rows the behaviour
 * reports (retention, active users, funnels) count, over the scans of `columns/reports.ts`.
 * Each returns what the SQL of `analytics/reports.ts` / `analytics/behaviour.ts` reads, or null
 * where the column store does not apply (then SQL answers).
 */
import type { FunnelStep } from '../behaviour.js';
import type { ReportParams } from '../params.js';
import { emptyTouches, roomFor, type SessionRows, type Touches } from './behaviour.js';
import { planned, ZERO, type TouchSource } from './funnel-touches.js';
import { compareText } from './dictionary.js';
import { DURATION_BOUNDS } from '../session-buckets.js';
import { FAST, topTransitions, type Transition } from './paths.js';
import { bit, scratchPool, sharedArray, type Growable } from './growable.js';
import { postToHelper, splitAt } from './helper-thread.js';
import { viewsAndVisitors } from './repeat-views.js';
import { ScrollSums } from './scroll-sums.js';
import type { ColumnScans } from './reports.js';
import { SESSION_DIMS, type ColumnStore, type SiteColumns } from './store.js';

const ENTRY = SESSION_DIMS.findIndex((d) => d.name === 'entry_page');

/** The sessions report's figures: totals and distributions over the sessions, and paths. */
export interface SessionFigures {
  n: number;
  /** average length, ms, and average pageviews (null without sessions) */
  ms: number | null;
  pv: number | null;
  /** sessions shorter than each of `durations` (cumulative) */
  below: number[];
  /** sessions with 0, 1, 2, 3, 4, 5–9, 10+ pageviews */
  pages: number[];
  paths: Transition[];
}

/** A row of the pages report before shaping (as the SQL returns it). */
export interface PageRow {
  path: string;
  views: number;
  visitors: number;
  entries: number | null;
  bounces: number | null;
  engaged: number | null;
  depth: number | null;
}

/** Bytes of scratch bitmaps a distinct count may use at once. */
const BITMAP_BYTES = 32 * 1024 * 1024;

/**
 * Distinct visitors per group, for the groups of `groups` only: the events `idx[0..n)`, their
 * group `groupCol[i]` (< `groupIds`) and visitor `visitorCol[i]` (< `visitors`); one bitmap over
 * visitor ordinals per group, as many groups at a time as fit `BITMAP_BYTES`.
 */
function distinctVisitors(
  idx: Int32Array,
  n: number,
  groupCol: ArrayLike<number>,
  groupIds: number,
  groups: readonly number[],
  visitorCol: ArrayLike<number>,
  visitors: number,
): Map<number, number> {
  const out = new Map<number, number>();
  const words = Math.max(1, (visitors + 31) >>> 5);
  const per = Math.max(1, Math.floor(BITMAP_BYTES / 4 / words));
  const slot = new Int32Array(groupIds);
  for (let pos = 0; pos < groups.length; pos += per) {
    const chunk = groups.slice(pos, pos + per);
    // the groups of other chunks count into a spare bitmap, never read: branch-free
    slot.fill(chunk.length);
    chunk.forEach((g, i) => (slot[g] = i));
    const bits = new Uint32Array((chunk.length + 1) * words);
    const count = new Int32Array(chunk.length + 1);
    for (let k = 0; k < n; k++) {
      const i = idx[k]!;
      const sl = slot[groupCol[i]!]!;
      const v = visitorCol[i]!;
      const w = sl * words + (v >>> 5);
      const m = 1 << (v & 31);
      const old = bits[w]!;
      count[sl]! += bit((old & m) === 0);
      bits[w] = old | m;
    }
    chunk.forEach((g, i) => out.set(g, count[i]!));
  }
  return out;
}

/** The session columns `shapes` reads. */
interface ShapeCols {
  start: Float64Array;
  end: Float64Array;
  pageviews: Int32Array;
  shape: Uint8Array;
}

/** What `shapesPart` adds up: total length and pageviews, the span of times, bucket cells. */
interface Shapes {
  ms: number;
  pv: number;
  lo: number;
  hi: number;
  /** per lane and cell (the shape's low six bits: duration bucket, pages bucket) */
  cells: Int32Array;
}

/**
 * Over the sessions `idx[0..n)`: total length and pageviews, counts per duration bucket
 * (`shorter`) and pages bucket (`pages`) from their `sShape`, each marked in `chosen` with how its
 * paths are read (`FAST` or `RECOUNT`), and the span of their times. Over many sessions, the
 * helper thread takes the later half (its marks copied in after).
 */
function shapes(
  idx: Int32Array,
  n: number,
  cols: ShapeCols,
  shorter: Int32Array,
  pages: Int32Array,
  chosen: Uint8Array,
): { ms: number; pv: number; lo: number; hi: number } {
  const mid = n >>> 1;
  const posted =
    n >= splitAt.sessions ? postToHelper('shapesPart', [idx, mid, n, cols, chosen.length]) : null;
  const mine = shapesPart(idx, 0, posted ? mid : n, cols, chosen.length, chosen);
  const theirs = posted ? (posted.wait() ?? shapesPart(idx, mid, n, cols, chosen.length)) : null;
  if (theirs) {
    // its sessions' marks: those from its first session on (idx ascends)
    const a = idx[mid]!;
    chosen.set(theirs.chosen!.subarray(a, idx[n - 1]! + 1), a);
  }
  const ms = mine.ms + (theirs?.ms ?? 0);
  const pv = mine.pv + (theirs?.pv ?? 0);
  for (const part of theirs ? [mine, theirs] : [mine])
    for (let c = 0; c < part.cells.length; c++) {
      shorter[c & 7]! += part.cells[c]!;
      pages[(c >>> 3) & 7]! += part.cells[c]!;
    }
  return {
    ms,
    pv,
    lo: Math.min(mine.lo, theirs?.lo ?? Infinity),
    hi: Math.max(mine.hi, theirs?.hi ?? -Infinity),
  };
}

/**
 * `shapes` over the sessions `idx[a..b)`, marked into `chosen` (zeroed by the caller), or
 * without it (a task of the helper thread, which writes into nothing it is given) into a
 * scratch array of this thread's own, zeroed over their span and returned.
 */
export function shapesPart(
  idx: Int32Array,
  a: number,
  b: number,
  cols: ShapeCols,
  sessions: number,
  into?: Uint8Array,
): Shapes & { chosen: Uint8Array | null } {
  const { start, end, pageviews: pvs, shape } = cols;
  let chosen = into;
  if (!chosen) {
    chosen = ownChosen('chosen', Uint8Array, sessions, null);
    if (b > a) chosen.fill(0, idx[a]!, idx[b - 1]! + 1);
  }
  let ms = 0;
  let pv = 0;
  let lo = Infinity;
  let hi = -Infinity;
  // both buckets at once (the shape's low six bits), in four lanes taken in turn: most sessions
  // fall in a few buckets, and the lanes let consecutive increments of one overlap
  const cells = new Int32Array(4 * 64);
  for (let i = a; i < b; i++) {
    const s = idx[i]!;
    const x = start[s]!;
    const y = end[s]!;
    const sh = shape[s]!;
    ms += y - x;
    pv += pvs[s]!;
    cells[((i & 3) << 6) | (sh & 63)]!++;
    chosen[s] = FAST + (sh >>> 6);
    if (x < lo) lo = x;
    if (y > hi) hi = y;
  }
  return { ms, pv, lo, hi, cells, chosen: into ? null : chosen };
}

/** The helper's `chosen` marks (`shapesPart`). */
const ownChosen = scratchPool();

/** The session columns `entryCounts` reads, and the slot of each entry page id. */
interface EntryCols {
  entry: ArrayLike<number>;
  pageviews: Int32Array;
  slotOf: Int32Array;
}

/**
 * Entries and bounces into the slots `slotOf[entry page id]` (`slots` of them) of the sessions
 * `idx[0..n)`; over many sessions the helper thread counts the later half.
 */
function entryCounts(idx: Int32Array, n: number, c: EntryCols, slots: number) {
  const mid = n >>> 1;
  const posted = n >= splitAt.sessions ? postToHelper('entryPart', [idx, mid, n, c, slots]) : null;
  const mine = entryPart(idx, 0, posted ? mid : n, c, slots);
  if (!posted) return mine;
  const theirs = posted.wait() ?? entryPart(idx, mid, n, c, slots);
  for (let w = 0; w < slots; w++) {
    mine.entries[w]! += theirs.entries[w]!;
    mine.bounces[w]! += theirs.bounces[w]!;
  }
  return mine;
}

/** `entryCounts` of the sessions `idx[a..b)`: a task of the helper thread. */
export function entryPart(
  idx: Int32Array,
  a: number,
  b: number,
  c: EntryCols,
  slots: number,
): { entries: Int32Array; bounces: Int32Array } {
  const { entry, pageviews, slotOf } = c;
  // per slot, sessions and bounces side by side (2w, 2w+1), in four lanes taken in turn: most
  // sessions count into one slot (the spare, or the top page), and four lanes let consecutive
  // increments of it overlap instead of each waiting for the last one's store
  const stride = 2 * slots;
  const lanes = new Int32Array(4 * stride);
  for (let j = a; j < b; j++) {
    const s = idx[j]!;
    lanes[(j & 3) * stride + 2 * slotOf[entry[s]!]! + bit(pageviews[s]! <= 1)]!++;
  }
  const entries = new Int32Array(slots);
  const bounces = new Int32Array(slots);
  for (let w = 0; w < slots; w++)
    for (let l = 0; l < 4; l++) {
      const stayed = lanes[l * stride + 2 * w]!;
      const bounced = lanes[l * stride + 2 * w + 1]!;
      entries[w]! += stayed + bounced;
      bounces[w]! += bounced;
    }
  return { entries, bounces };
}

/** The columns and tables a funnel's candidate rows are tested with (`stepRows`). */
interface StepTest {
  types: ArrayLike<number>;
  paths: ArrayLike<number>;
  labels: ArrayLike<number>;
  ts: Float64Array;
  /** by path id: the steps (bit k: step k) a pageview of it matches, 0 where the filters fail it */
  pageSteps: Uint16Array;
  /** by label id: the steps a custom event of that name matches (on a page passing the filters) */
  nameSteps: Uint16Array;
  pathOk: Uint8Array;
  pageview: number;
  custom: number;
  from: number;
  to: number;
}

/** The steps row `i` matches (`StepTest`), 0 for none. */
function stepsOf(c: StepTest, i: number): number {
  const y = c.types[i]!;
  const p = c.paths[i]!;
  return (
    (c.pageSteps[p]! * bit(y === c.pageview)) |
    (c.nameSteps[c.labels[i]!]! * bit(y === c.custom) * c.pathOk[p]!)
  );
}

/**
 * Appends to `out` from `n` the rows a…b−1 in [from, to) that match a funnel step, their steps
 * into `stepOf` (by row); returns the new count. Branch-free: every row is written, the count
 * advances on the matching ones.
 */
function stepRows(
  c: StepTest,
  a: number,
  b: number,
  out: Int32Array,
  stepOf: Uint16Array,
  n: number,
): number {
  const { ts, from, to } = c;
  for (let i = a; i < b; i++) {
    const steps = stepsOf(c, i);
    const t = ts[i]!;
    stepOf[i] = steps;
    out[n] = i;
    n += bit(steps !== 0) & bit(t >= from) & bit(t < to);
  }
  return n;
}

/**
 * Pages of a funnel's page steps read from their own pageview lists at most (each list is a run
 * of touches a visitor's walk may have to sort into time order); more read every pageview.
 */
const PAGE_LISTS = 16;

export function createMoreReports(store: ColumnStore, scans: ColumnScans) {
  const { plan, selectSessions, selectEvents } = scans;
  let rowsBuf = new Int32Array(1 << 16);
  const scratch = (n: number) => {
    if (rowsBuf.length < n) rowsBuf = new Int32Array(Math.max(n, rowsBuf.length * 2));
    return rowsBuf;
  };
  // the rows handed to `columns/behaviour.ts`, valid until the next report asks for them
  const pooled = scratchPool();
  // a filtered funnel's touches, grown as needed (without filters they are copied as walked)
  let touchBuf = emptyTouches();

  /**
   * Sessions started in [from, to) passing the filters, as `SessionRows`, or null. Without
   * filters, every session of the site: the columns themselves, not a copy (the reports test
   * the start).
   */
  function sessionRows(p: ReportParams, from: number, to: number): SessionRows | null {
    const q = plan(p);
    if (!q) return null;
    store.stats.answered++;
    const { site } = q;
    if (q.sessionTests.length === 0 && !q.hasEventFilters) {
      const all = site.sessions;
      return {
        length: all,
        startedAt: site.sStart.data.subarray(0, all),
        visitor: site.sVisitor.data.subarray(0, all),
        visitors: site.visitors,
        user: site.sUser.data.subarray(0, all),
        users: site.users,
      };
    }
    const n = selectSessions(q, from, to, [from, to]);
    const idx = scans.idx();
    const rows: SessionRows = {
      length: n,
      startedAt: pooled('startedAt', Float64Array, n),
      visitor: pooled('visitor', Int32Array, n),
      visitors: site.visitors,
      user: pooled('user', Int32Array, n),
      users: site.users,
    };
    const start = site.sStart.data;
    const vis = site.sVisitor.data;
    const user = site.sUser.data;
    for (let i = 0; i < n; i++) {
      const s = idx[i]!;
      rows.startedAt[i] = start[s]!;
      rows.visitor[i] = vis[s]!;
      rows.user![i] = user[s]!;
    }
    return rows;
  }

  /**
   * The rows of the range that can match a funnel step (pageviews of a step's page, custom events
   * of a step's name, passing the page filters), in row order, and the steps of each (`stepOf`,
   * by row; valid for these rows until the next funnel): from the row lists of those pages and
   * names when they hold at most a third of the site's events (their rows marked with their
   * steps, then the marks read in row order), else one pass over the range's blocks that reads
   * only types, paths and labels. The filters then test a few rows, not all.
   */
  function candidates(
    site: SiteColumns,
    tests: { ok: Uint8Array; page: boolean }[],
    pathOk: Uint8Array,
    from: number,
    to: number,
  ): { rows: Int32Array; stepOf: Uint16Array } {
    const pageSteps = new Uint16Array(store.paths.size);
    const nameSteps = new Uint16Array(store.labels.size);
    tests.forEach((t, k) => {
      const into = t.page ? pageSteps : nameSteps;
      for (let id = 0; id < t.ok.length; id++) into[id] = into[id]! | (t.ok[id]! << k);
    });
    for (let id = 0; id < pageSteps.length; id++) pageSteps[id] = pageSteps[id]! * pathOk[id]!;
    const c: StepTest = {
      types: site.eType.data,
      paths: site.ePath.data,
      labels: site.eLabel.data,
      ts: site.eTs.data,
      pageSteps,
      nameSteps,
      pathOk,
      pageview: store.types.find('pageview') ?? -1,
      custom: store.types.find('custom') ?? -1,
      from,
      to,
    };
    // the row lists of the steps' pages and names (a pageview's path, a custom event's name)
    const lists: { rows: Int32Array; steps: number; type: number; byPath: boolean }[] = [];
    const add = (
      of: (Growable<Int32Array> | undefined)[],
      steps: Uint16Array,
      type: number,
      byPath: boolean, // a page's list: its steps passed the page filters already
    ) =>
      steps.forEach((st, id) => {
        const l = of[id];
        if (st && l?.length)
          lists.push({ rows: l.data.subarray(0, l.length), steps: st, type, byPath });
      });
    add(site.pathRows, pageSteps, c.pageview, true);
    add(site.labelRows, nameSteps, c.custom, false);
    const listedRows = lists.reduce((m, l) => m + l.rows.length, 0);
    const blocks = site.eBlocks.ranges(from, to, false, site.events);
    let n = 0;
    if (listedRows > site.events / 3) {
      const stepOf = pooled('stepOf', Uint16Array, site.events);
      const out = scratch(site.events);
      for (let j = 0; j < blocks.length; j += 2)
        n = stepRows(c, blocks[j]!, blocks[j + 1]!, out, stepOf, n);
      return { rows: out.subarray(0, n), stepOf };
    }
    // each listed row marked with its steps and a bit, then the bits read in row order
    const stepOf = pooled('stepOf', Uint16Array, site.events);
    const marked = pooled('marked', Uint32Array, (site.events + 31) >>> 5);
    const { types, paths, ts } = c;
    for (const { rows, steps, type, byPath } of lists)
      for (let k = 0; k < rows.length; k++) {
        const i = rows[k]!;
        const s = steps * bit(types[i] === type) * (byPath ? 1 : pathOk[paths[i]!]!);
        stepOf[i] = stepOf[i]! | s;
        marked[i >>> 5] = marked[i >>> 5]! | (bit(s !== 0) << (i & 31));
      }
    const out = scratch(listedRows);
    for (let j = 0; j < blocks.length; j += 2) {
      const a = blocks[j]!;
      const b = blocks[j + 1]!;
      const last = (b - 1) >>> 5;
      for (let w = a >>> 5; w <= last && a < b; w++) {
        let bits = marked[w]!;
        if (w === a >>> 5) bits &= -1 << (a & 31); // from the block's first row
        if (w === last && (b & 31) !== 0) bits &= (1 << (b & 31)) - 1; // to its last
        while (bits !== 0) {
          const i = (w << 5) + 31 - Math.clz32(bits & -bits);
          bits &= bits - 1;
          const t = ts[i]!;
          out[n] = i;
          n += bit(t >= from) & bit(t < to);
        }
      }
    }
    return { rows: out.subarray(0, n), stepOf };
  }

  /** The funnel's events: in the range, passing the filters, matching a step; or null. */
  function touches(p: ReportParams, steps: FunnelStep[]): Touches | null {
    const q = plan(p);
    if (!q) return null;
    store.stats.answered++;
    const { site } = q;
    // per step: the dictionary ids (paths or labels) that match it
    const tests = steps.map((s) => {
      const f = {
        dimension: { name: '', kind: 'event' as const, sql: '' },
        op: s.value.includes('*') ? ('matches' as const) : ('is' as const),
        values: [s.value],
      };
      return s.type === 'page'
        ? { ok: store.paths.matches(f), page: true }
        : { ok: store.labels.matches(f), page: false };
    });
    if (q.sessionTests.length === 0 && !q.hasEventFilters) return listTouches(site, tests, p);
    const { rows, stepOf } = candidates(site, tests, q.pathOk, p.from, p.to);
    const n = selectEvents({ ...q, rows }, p.from, p.to, -1, false);
    const idx = scans.idx();
    const out = (touchBuf = roomFor(touchBuf, 0, n));
    out.length = n;
    out.visitors = site.visitors;
    const ts = site.eTs.data;
    const vis = site.eVisitor.data;
    for (let k = 0; k < n; k++) {
      const i = idx[k]!;
      out.visitor[k] = vis[i]!;
      out.ts[k] = ts[i]!;
      out.order[k] = i;
      out.steps[k] = stepOf[i]!;
    }
    return out;
  }

  /**
   * Without filters, the funnel's events from columns read in sequence: for the page steps each
   * step page's pageview list with its times and visitors (`pathPageviews`), or where many pages
   * or most pageviews match, every pageview's path, time and visitor (`PageviewLinks`); for the
   * event steps each step name's row list with its times and visitors. List after list
   * (`funnelReached` puts each visitor's in time order).
   */
  function listTouches(
    site: SiteColumns,
    tests: { ok: Uint8Array; page: boolean }[],
    p: ReportParams,
  ): Touches {
    // (shared: the helper thread reads them)
    const byPage = sharedArray(Uint16Array, store.paths.size);
    const byName = sharedArray(Uint16Array, store.labels.size);
    tests.forEach((t, k) => {
      const into = t.page ? byPage : byName;
      for (let id = 0; id < t.ok.length; id++) into[id] = into[id]! | (t.ok[id]! << k);
    });
    // the blocks that may hold the range's rows, and which of them lie wholly inside it
    const re = site.eBlocks.spans(p.from, p.to, site.events);
    const sources: [TouchSource, number, number, number, number][] = [];
    const over = (list: Growable<Int32Array>, c: TouchSource, di: number) => {
      for (let j = 0; j < re.length; j += 3) {
        const a = list.firstAtLeast(re[j]!);
        const b = list.firstAtLeast(re[j + 1]!);
        if (a < b) sources.push([c, a, b, di, re[j + 2]!]);
      }
    };
    // the row lists of ids matching a step, each with its rows' times and visitors
    const listed = (
      steps: Uint16Array,
      rows: (Growable<Int32Array> | undefined)[],
      ts: (Growable<Float64Array> | undefined)[],
      visitor: (Growable<Int32Array> | undefined)[],
    ) =>
      steps.forEach((st, id) => {
        const l = rows[id];
        if (!st || !l?.length) return;
        const c = {
          rows: l.data,
          ts: ts[id]!.data,
          visitor: visitor[id]!.data,
          ids: ZERO,
          steps: new Uint16Array([st]),
        };
        over(l, c, 0);
      });
    // the page steps from their pages' pageview lists when a few pages hold under half the
    // range's pageviews, else from every pageview's columns
    const pages: number[] = [];
    byPage.forEach((st, id) => {
      if (st && site.pathPageviews[id]?.length) pages.push(id);
    });
    const inRange = (l: Growable<Int32Array>) => {
      let n = 0;
      for (let j = 0; j < re.length; j += 3)
        n += l.firstAtLeast(re[j + 1]!) - l.firstAtLeast(re[j]!);
      return n;
    };
    const { links } = site;
    if (
      pages.length <= PAGE_LISTS &&
      2 * pages.reduce((n, id) => n + inRange(site.pathPageviews[id]!), 0) <
        inRange(site.pageviewRows)
    )
      listed(byPage, site.pathPageviews, site.pathPageviewTs, site.pathPageviewVisitor);
    else if (pages.length > 0)
      over(
        site.pageviewRows,
        {
          rows: site.pageviewRows.data,
          ts: links.ts.data,
          visitor: links.visitor.data,
          ids: links.path.data,
          steps: byPage,
        },
        1,
      );
    listed(byName, site.labelRows, site.labelTs, site.labelVisitor);
    // copied as the funnel walks them: one parity of visitors in each thread
    return planned({ sources, from: p.from, to: p.to, visitors: site.visitors });
  }

  /** The sessions report's figures (buckets of `session-buckets.ts`), or null. */
  function sessionFigures(p: ReportParams): SessionFigures | null {
    const q = plan(p);
    if (!q) return null;
    store.stats.answered++;
    const { site } = q;
    const n = selectSessions(q, p.from, p.to, [p.from, p.to]);
    const idx = scans.idx();
    const shorter = new Int32Array(DURATION_BOUNDS.length + 1);
    const pages = new Int32Array(7);
    const chosen = pooled('chosen', Uint8Array, site.sessions);
    const cols = {
      start: site.sStart.data,
      end: site.sEnd.data,
      pageviews: site.sPageviews.data,
      shape: site.sShape.data,
    };
    const { ms, pv, lo, hi } = shapes(idx, n, cols, shorter, pages, chosen);
    const links = site.links;
    // the pageviews of the chosen sessions (each within its session's time, as SQL reads them),
    // from the pageview row list over the rows of the blocks that span those times
    const r = n ? site.eBlocks.ranges(lo, hi, true, site.events) : [];
    const list = site.pageviewRows;
    const paths = topTransitions(
      {
        rows: list.data,
        a: r.length ? list.firstAtLeast(r[0]!) : 0,
        b: r.length ? list.firstAtLeast(r.at(-1)!) : 0,
        prev: links.prev.data,
        pvSession: links.session.data,
        pvPath: links.path.data,
        session: site.eSession.data,
        ts: site.eTs.data,
        path: site.ePath.data,
        chosen,
        start: site.sStart.data,
        end: site.sEnd.data,
      },
      store.paths.values,
    );
    const below = DURATION_BOUNDS.map(() => 0);
    for (let k = 0, sum = 0; k < below.length; k++) below[k] = sum += shorter[k]!;
    return { n, ms: n ? ms / n : null, pv: n ? pv / n : null, below, pages: [...pages], paths };
  }

  /**
   * The pages report's rows (views desc, visitors desc, path), or null: pageviews and their
   * distinct visitors per path, time on page and scroll depth from the scroll events, entries and
   * bounces from the sessions that started there.
   */
  function pages(p: ReportParams, limit: number, offset: number): PageRow[] | null {
    const q = plan(p);
    if (!q) return null;
    store.stats.answered++;
    const { site } = q;
    const pageview = store.types.find('pageview') ?? -1;
    if (pageview < 0) return [];
    const P = store.paths.size;
    const views = new Int32Array(P);
    // without filters: the pageviews' positions, and their paths and visitors in sequence
    const pos = scans.pageviewPositions(q, p.from, p.to);
    const nv = pos ?? selectEvents(q, p.from, p.to, pageview, false);
    let idx = scans.idx();
    const path = site.ePath.data;
    const pvPath = pos === null ? path : site.links.path.data;
    const pvVisitor = pos === null ? site.eVisitor.data : site.links.visitor.data;
    // without filters the distinct visitors of every path come in the same pass
    const seen = pos === null ? null : new Int32Array(P);
    if (seen)
      viewsAndVisitors(idx, nv, pvPath, site.repeats.same.data, views, seen, scans.positionsRun());
    else for (let k = 0; k < nv; k++) views[pvPath[idx[k]!]!]!++;
    views[0] = 0; // pageviews without a path are not a row
    // the paths that can rank: every path with as many views as the last one kept
    const order: number[] = [];
    for (let g = 1; g < P; g++) if (views[g]) order.push(g);
    order.sort((a, b) => views[b]! - views[a]!);
    const k = Math.min(order.length, offset + limit);
    const floor = k ? views[order[k - 1]!]! : 0;
    const ranked = order.filter((g) => views[g]! >= floor);
    const visitors = seen
      ? new Map(ranked.map((g) => [g, seen[g]!]))
      : distinctVisitors(idx, nv, pvPath, P, ranked, pvVisitor, site.visitors);
    const value = (g: number) => store.paths.values[g]!;
    ranked.sort(
      (a, b) =>
        views[b]! - views[a]! ||
        visitors.get(b)! - visitors.get(a)! ||
        compareText(value(a), value(b)),
    );
    const top = ranked.slice(offset, offset + limit);
    if (top.length === 0) return [];
    // the ranked paths' slots; every other path counts into a spare slot, `W`, never read: the
    // loops below are branch-free (whether a row's page ranks is a coin toss)
    const W = top.length;
    const want = new Int32Array(P).fill(W);
    top.forEach((g, i) => (want[g] = i));
    // time on page and scroll depth: the scroll events of those paths
    const sums = new ScrollSums(W + 1);
    const scroll = store.types.find('scroll');
    if (scroll !== undefined) {
      // the scroll events of the ranked paths among the rows that have scroll figures (a sparse
      // list in row order): read in one pass without filters; with them, those rows (or a page
      // filter's, when fewer) go through the filters first
      const sc = site.scroll;
      const rows = sc.row.data;
      const types = site.eType.data;
      const ts = site.eTs.data;
      const r = site.eBlocks.ranges(p.from, p.to, false, site.events);
      const lo = r.length ? sc.row.firstAtLeast(r[0]!) : 0;
      const hi = r.length ? sc.row.firstAtLeast(r.at(-1)!) : 0;
      // the rows' scroll figures by their position in the list (-1: none), summed per page
      const ms = sc.engagedMs.data;
      const dp = sc.depth.data;
      if (q.sessionTests.length === 0 && !q.hasEventFilters) {
        // the rows of blocks wholly inside the range need no time test (nor their times read),
        // and their pages come in list order (`scrollPage`: path id + 1 of a scroll event)
        const spans = site.eBlocks.spans(p.from, p.to, site.events);
        const page = sc.scrollPage.data;
        const wantPage = new Int32Array(P + 1);
        wantPage[0] = W;
        wantPage.set(want, 1);
        for (let j = 0; j < spans.length; j += 3) {
          const a = sc.row.firstAtLeast(spans[j]!);
          const b = sc.row.firstAtLeast(spans[j + 1]!);
          if (spans[j + 2]) {
            sc.blocks.addRange(sums, wantPage, a, b, { ms, dp, page });
            continue;
          }
          for (let at = a; at < b; at++) {
            const i = rows[at]!;
            const t = ts[i]!;
            const ok = bit(types[i] === scroll) & bit(t >= p.from) & bit(t < p.to);
            sums.add(ms, dp, at, ok ? want[path[i]!]! : W);
          }
        }
      } else {
        let among = q.rows;
        if (!among || among.length > hi - lo) {
          among = scratch(hi - lo);
          let c = 0;
          for (let at = lo; at < hi; at++) {
            const i = rows[at]!;
            among[c] = i;
            c += bit(types[i] === scroll) & bit(want[path[i]!]! < W);
          }
          among = among.subarray(0, c);
        }
        const ns = selectEvents({ ...q, rows: among }, p.from, p.to, scroll, false);
        idx = scans.idx();
        // the selected events are in row order, as the scroll rows: walked together
        let at = lo;
        for (let j = 0; j < ns; j++) {
          const i = idx[j]!;
          while (at < sc.row.length && rows[at]! < i) at++;
          if (at < sc.row.length && rows[at] === i) sums.add(ms, dp, at, want[path[i]!]!);
        }
      }
    }
    // entries and bounces: the report's sessions by entry page
    const ns = selectSessions(q, p.from, p.to, [p.from, p.to]);
    idx = scans.idx();
    const entryDict = store.dims[ENTRY]!;
    // (shared: the helper may read it)
    const entryToPath = pooled('entryToPath', Int32Array, entryDict.size, W);
    for (let g = 1; g < entryDict.size; g++) {
      const id = store.paths.find(entryDict.values[g]!);
      if (id !== undefined) entryToPath[g] = want[id]!;
    }
    const { entries, bounces } = entryCounts(
      idx,
      ns,
      { entry: site.sDims[ENTRY]!.data, pageviews: site.sPageviews.data, slotOf: entryToPath },
      W + 1,
    );
    return top.map((g, w) => ({
      path: value(g)!,
      views: views[g]!,
      visitors: visitors.get(g)!,
      entries: entries[w]! || null,
      bounces: entries[w]! ? bounces[w]! : null,
      engaged: sums.engagedN[w] ? sums.engagedSum[w]! / sums.engagedN[w]! : null,
      depth: sums.depthN[w] ? sums.depthSum[w]! / sums.depthN[w]! : null,
    }));
  }

  return { sessionRows, touches, sessionFigures, pages };
}

export type MoreReports = ReturnType<typeof createMoreReports>;
