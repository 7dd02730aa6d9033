/**
 * The column versions of the overview (`metrics`), the time series and the breakdowns (by a
 * session dimension, or by `page`, `event`, `type`). Each returns the same intermediate rows as
 * the SQL of `analytics/reports.ts` (which shapes both alike), or null where the column store
 * does not apply (not ready, a `prop.*` filter or dimension): then SQL answers. The row sets are
 * those of `analytics/scope.ts`:
 * - sessions: started in the range, passing the session filters, and with event filters holding
 *   an event that passes them between the span's start and the latest end of the sessions that
 *   started in the span (`sessionWhere`);
 * - events: in the range, passing the event filters, and under session filters of a known
 *   session that passes them (whenever it started).
 */
import type { Dimension } from '../dimensions.js';
import type { Filter } from '../filters.js';
import type { ReportParams } from '../params.js';
import { BucketFinder, type Bucket } from '../time.js';
import { compareText, type Dictionary } from './dictionary.js';
import { cutByStart, windowRows } from './cut-sessions.js';
import { bit, listed, mergeRows, scratchPool, sharedArray } from './growable.js';
import { aggregate, aggregateRuns, type AggCols, type SessionAgg } from './session-aggregates.js';
import { sessionGroups } from './session-groups.js';
import { viewsAndVisitors } from './repeat-views.js';
import { SESSION_DIMS, type ColumnStore, type SiteColumns } from './store.js';

type Ids = Uint16Array | Uint32Array;

interface Plan {
  site: SiteColumns;
  filters: Filter[];
  /** per filtered session dimension: its column and the ids that pass */
  sessionTests: { col: Ids; ok: Uint8Array }[];
  /** the ids passing the event filters, by dimension (all ones without a filter on it) */
  pathOk: Uint8Array;
  labelOk: Uint8Array;
  typeOk: Uint8Array;
  /** by `props` text id: passes every custom-property filter (all ones without one) */
  propOk: Uint8Array;
  hasEventFilters: boolean;
  /**
   * with a selective page or event-name filter, the rows that can pass it (in row order), else
   * null: scan blocks
   */
  rows: Int32Array | null;
  /** the pageview type id, -1 when none was ever stored */
  pageview: number;
}

/** A mask that passes everything (index 0 only). */
const ONE = new Uint8Array([1]);

/** Whether the plan's event filters are all on pages (and it has one). */
function onlyPages(q: Plan): boolean {
  return (
    q.hasEventFilters &&
    q.filters.every((f) => f.dimension.kind === 'session' || f.dimension.name === 'page')
  );
}

/**
 * `held` under page filters (and session filters): into `out`, by session ordinal + 1, 1 for a
 * session holding an event of a page `pathOk` passes in [from, maxEnd]; returns the pageviews of
 * those pages in [from, pvTo) of the sessions `mask` passes. Reads the pages' row lists and tags
 * (`SiteColumns.pathTags`) in sequence, over the blocks of [from, last]; a row's time only in a
 * block whose times do not all pass.
 */
function heldByPages(
  site: SiteColumns,
  pathOk: Uint8Array,
  [from, maxEnd, last]: readonly [number, number, number],
  pvTo: number,
  mask: Uint8Array | null,
  out: Uint8Array,
): number {
  const ts = site.eTs.data;
  const { shift } = site.eBlocks;
  const bmin = site.eBlocks.min.data;
  const bmax = site.eBlocks.max.data;
  const m = mask ?? ONE;
  const dm = mask ? 1 : 0;
  const re = site.eBlocks.ranges(from, last, true, site.events);
  let count = 0;
  for (let id = 0; id < Math.min(pathOk.length, site.pathRows.length); id++) {
    const list = site.pathRows[id];
    if (!pathOk[id] || !list?.length) continue;
    const rows = list.data;
    const tags = site.pathTags[id]!.data;
    for (let j = 0; j < re.length; j += 2) {
      const end = list.firstAtLeast(re[j + 1]!);
      let k = list.firstAtLeast(re[j]!);
      while (k < end) {
        const blk = rows[k]! >>> shift;
        const bound = (blk + 1) << shift; // the next block's first row
        if (bmin[blk]! >= from && bmax[blk]! <= maxEnd && bmax[blk]! < pvTo) {
          for (; k < end && rows[k]! < bound; k++) {
            const g = tags[k]!;
            const x = g >>> 1;
            out[x] = 1;
            count += g & 1 & m[x * dm]!;
          }
        } else {
          for (; k < end && rows[k]! < bound; k++) {
            const t = ts[rows[k]!]!;
            const g = tags[k]!;
            const x = g >>> 1;
            const ok = bit(t >= from);
            out[x] = out[x]! | (ok & bit(t <= maxEnd));
            count += ok & bit(t < pvTo) & g & 1 & m[x * dm]!;
          }
        }
      }
    }
  }
  return count;
}

/**
 * Into `per` (by bucket of `find`): the pageviews in [from, to) of the pages `pathOk` passes, of
 * the sessions `mask` passes, from those pages' row lists and tags; only a pageview's time is
 * read.
 */
function pageviewsByPages(
  site: SiteColumns,
  pathOk: Uint8Array,
  mask: Uint8Array | null,
  find: BucketFinder,
  [from, to]: readonly [number, number],
  per: Int32Array,
): void {
  const ts = site.eTs.data;
  const m = mask ?? ONE;
  const dm = mask ? 1 : 0;
  const re = site.eBlocks.ranges(from, to, false, site.events);
  for (let id = 0; id < Math.min(pathOk.length, site.pathRows.length); id++) {
    const list = site.pathRows[id];
    if (!pathOk[id] || !list?.length) continue;
    const rows = list.data;
    const tags = site.pathTags[id]!.data;
    for (let j = 0; j < re.length; j += 2) {
      const end = list.firstAtLeast(re[j + 1]!);
      for (let k = list.firstAtLeast(re[j]!); k < end; k++) {
        const g = tags[k]!;
        if ((g & 1 & m[(g >>> 1) * dm]!) === 0) continue;
        const b = find.of(ts[rows[k]!]!);
        if (b >= 0) per[b]!++;
      }
    }
  }
}

/**
 * Into `per` (by `group` of the session): the pageviews in [from, to) of the pages `pathOk`
 * passes, of the sessions `mask` passes (those without a session left out), from those pages'
 * row lists and tags; a row's time only in a block whose times do not all pass.
 */
function sessionPageviewsByPages(
  site: SiteColumns,
  pathOk: Uint8Array,
  mask: Uint8Array | null,
  [from, to]: readonly [number, number],
  group: ArrayLike<number>,
  per: Int32Array,
): void {
  const ts = site.eTs.data;
  const { shift } = site.eBlocks;
  const bmin = site.eBlocks.min.data;
  const bmax = site.eBlocks.max.data;
  const m = mask ?? ONE;
  const dm = mask ? 1 : 0;
  const re = site.eBlocks.ranges(from, to, false, site.events);
  for (let id = 0; id < Math.min(pathOk.length, site.pathRows.length); id++) {
    const list = site.pathRows[id];
    if (!pathOk[id] || !list?.length) continue;
    const rows = list.data;
    const tags = site.pathTags[id]!.data;
    for (let j = 0; j < re.length; j += 2) {
      const end = list.firstAtLeast(re[j + 1]!);
      let k = list.firstAtLeast(re[j]!);
      while (k < end) {
        const blk = rows[k]! >>> shift;
        const bound = (blk + 1) << shift; // the next block's first row
        const inside = bmin[blk]! >= from && bmax[blk]! < to;
        for (; k < end && rows[k]! < bound; k++) {
          const g = tags[k]!;
          const x = g >>> 1;
          if ((g & 1 & m[x * dm]!) === 0 || x === 0) continue;
          if (!inside) {
            const t = ts[rows[k]!]!;
            if (t < from || t >= to) continue;
          }
          per[group[x - 1]!]!++;
        }
      }
    }
  }
}

/**
 * Sessions `ix[0..n)` per bucket of `list`, at bucket + 1 in `count`; whether they come in
 * bucket order. In start order (as sessions come, nearly always), each bucket's are a run found
 * by binary search; else each one's bucket goes to `bucketOf`, for a counting sort.
 */
function bucketsOf(
  list: readonly Bucket[],
  start: Float64Array,
  ix: Int32Array,
  n: number,
  bucketOf: Int32Array,
  count: Int32Array,
): boolean {
  if (inStartOrder(start, ix, n)) {
    // the first session starting at or after `t`
    const first = (t: number) => {
      let lo = 0;
      let hi = n;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (start[ix[mid]!]! < t) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    };
    list.forEach((b, k) => (count[k + 1] = first(b.end) - first(b.start)));
    return true;
  }
  const find = new BucketFinder(list);
  let ordered = 1;
  let prev = 0;
  for (let i = 0; i < n; i++) {
    const b = find.of(start[ix[i]!]!);
    bucketOf[i] = b;
    count[b + 1]!++;
    ordered &= bit(b >= prev);
    prev = b;
  }
  return ordered === 1;
}

/** Whether the sessions `ix[0..n)` come in start order. */
function inStartOrder(start: Float64Array, ix: Int32Array, n: number): boolean {
  let ok = 1;
  let prev = -Infinity;
  for (let i = 0; i < n; i++) {
    const t = start[ix[i]!]!;
    ok &= bit(t >= prev);
    prev = t;
  }
  return ok === 1;
}

const sessionDimIndex = new Map(SESSION_DIMS.map((d, i) => [d.name, i]));

export function createColumnReports(store: ColumnStore) {
  // (on shared memory, as every scratch array: a report may hand them to the helper thread)
  let idx = sharedArray(Int32Array, 1 << 16);
  // `pageviewPositions`' positions as one run from here (idx not written), or -1
  let run = -1;
  let groupBuf = sharedArray(Int32Array, 1 << 16);
  let visitorBuf = sharedArray(Int32Array, 1 << 16);
  let maskCache: { site: SiteColumns; version: number; key: string; mask: Uint8Array } | null =
    null;

  const scratch = scratchPool();
  const room = (n: number) => {
    if (idx.length < n) idx = sharedArray(Int32Array, Math.max(n, idx.length * 2));
  };
  const pairRoom = (n: number) => {
    if (groupBuf.length < n) {
      groupBuf = sharedArray(Int32Array, Math.max(n, groupBuf.length * 2));
      visitorBuf = sharedArray(Int32Array, groupBuf.length);
    }
  };

  function and(a: Uint8Array | null, b: Uint8Array): Uint8Array {
    if (!a) return b;
    const out = new Uint8Array(b.length);
    for (let i = 0; i < b.length; i++) out[i] = a[i]! & b[i]!;
    return out;
  }

  /** The plan of a report, or null where the columns do not apply. */
  function plan(p: ReportParams): Plan | null {
    const site = store.site(p.websiteId);
    if (!site) return null;
    const perDim = new Map<number, Uint8Array>();
    let pathOk: Uint8Array | null = null;
    let labelOk: Uint8Array | null = null;
    let typeOk: Uint8Array | null = null;
    let propOk: Uint8Array | null = null;
    for (const f of p.filters) {
      if (f.dimension.name.startsWith('prop.')) {
        const prop = store.prop(f.dimension.name.slice(5));
        const ok = prop.values.matches(f);
        const pass = new Uint8Array(store.props.size);
        for (let id = 0; id < pass.length; id++) pass[id] = ok[prop.text[id]!]!;
        propOk = and(propOk, pass);
        continue;
      }
      if (f.dimension.kind === 'session') {
        const d = sessionDimIndex.get(f.dimension.name);
        if (d === undefined) return null;
        perDim.set(d, and(perDim.get(d) ?? null, store.dims[d]!.matches(f)));
      } else if (f.dimension.name === 'page') pathOk = and(pathOk, store.paths.matches(f));
      else if (f.dimension.name === 'event') labelOk = and(labelOk, store.labels.matches(f));
      else if (f.dimension.name === 'type') typeOk = and(typeOk, store.types.matches(f));
      else return null;
    }
    const ones = (d: Dictionary) => new Uint8Array(d.size).fill(1);
    return {
      site,
      filters: p.filters,
      sessionTests: [...perDim].map(([d, ok]) => ({ col: site.sDims[d]!.data, ok })),
      pathOk: pathOk ?? ones(store.paths),
      labelOk: labelOk ?? ones(store.labels),
      typeOk: typeOk ?? ones(store.types),
      propOk: propOk ?? ones(store.props),
      hasEventFilters: !!(pathOk || labelOk || typeOk || propOk),
      rows: filterRows(site, pathOk, labelOk),
      pageview: store.types.find('pageview') ?? -1,
    };
  }

  /**
   * The rows that can pass a page filter (`pathOk`) or an event-name filter (`labelOk`), from the
   * row lists of the ids that pass it, in row order: the shorter of the two, when it is at most
   * `pathRowsShare` (1/64) of the site's events (reading them beats a scan of every row); else
   * null. Only custom events' names have lists: a filter passing a name that is also a type
   * (`pageview`, `click`…) is not read through them.
   */
  function filterRows(
    site: SiteColumns,
    pathOk: Uint8Array | null,
    labelOk: Uint8Array | null,
  ): Int32Array | null {
    let best: Int32Array[] | null = null;
    let least = site.events * store.pathRowsShare;
    const consider = (parts: Int32Array[]) => {
      const n = parts.reduce((sum, l) => sum + l.length, 0);
      if (n <= least) [best, least] = [parts, n];
    };
    if (pathOk) consider(listed(site.pathRows, pathOk));
    if (labelOk && store.labels.values.every((v, id) => !labelOk[id] || !store.types.find(v!)))
      consider(listed(site.labelRows, labelOk));
    return best ? mergeRows(best) : null;
  }

  /**
   * 1 per session passing the session filters, at index ordinal + 1 ([0] = an unknown session:
   * 0); null without session filters.
   */
  function sessionMask(q: Plan): Uint8Array | null {
    if (q.sessionTests.length === 0) return null;
    const { site } = q;
    const key = JSON.stringify(
      q.filters
        .filter((f) => f.dimension.kind === 'session')
        .map((f) => [f.dimension.name, f.op, f.values]),
    );
    const c = maskCache;
    if (c && c.site === site && c.version === site.version && c.key === key) return c.mask;
    const n = site.sessions;
    const mask = scratch('mask', Uint8Array, n + 1, 1);
    mask[0] = 0;
    for (const { col, ok } of q.sessionTests)
      for (let s = 0; s < n; s++) mask[s + 1] = mask[s + 1]! & ok[col[s]!]!;
    maskCache = { site, version: site.version, key, mask };
    return mask;
  }

  /** `sessionMask`, or without session filters 1 for every known session (`needSession`). */
  function knownMask(q: Plan, needSession: boolean): Uint8Array | null {
    const m = sessionMask(q);
    if (m || !needSession) return m;
    const all = scratch('known', Uint8Array, q.site.sessions + 1, 1);
    all[0] = 0;
    return all;
  }

  /**
   * The matching events in [from, to) into `idx` (in row order); `type` >= 0 keeps that type
   * only; `needSession` drops events of unknown sessions even without session filters.
   */
  function selectEvents(q: Plan, from: number, to: number, type: number, needSession: boolean) {
    const { site, pathOk, labelOk, typeOk, propOk } = q;
    const props = site.eProps.data;
    const mask = knownMask(q, needSession);
    const ts = site.eTs.data;
    const types = site.eType.data;
    const paths = site.ePath.data;
    const labels = site.eLabel.data;
    const sess = site.eSession.data;
    room(site.events);
    const out = idx;
    let n = 0;
    // branch-free: every row is written, the count advances on the matching ones; one loop per
    // combination of conditions (each table lookup costs ~1.5 ns a row)
    const all = type < 0;
    if (q.rows) {
      const rows = q.rows;
      const m = mask ?? ONE;
      const dm = mask ? 1 : 0;
      for (let k = 0; k < rows.length; k++) {
        const i = rows[k]!;
        const t = ts[i]!;
        const y = types[i]!;
        out[n] = i;
        n +=
          bit(t >= from) &
          bit(t < to) &
          bit(all || y === type) &
          typeOk[y]! &
          pathOk[paths[i]!]! &
          labelOk[labels[i]!]! &
          propOk[props[i]!]! &
          m[(sess[i]! + 1) * dm]!;
      }
      return n;
    }
    // blocks wholly inside the range: their rows' times are not read (`ts[i & tm]` reads row 0
    // with `tm` 0, and the bounds become infinite), which halves the bytes most scans read
    const sp = site.eBlocks.spans(from, to, site.events);
    if (!all && type === q.pageview && !q.hasEventFilters) {
      // pageviews only: through their row list when it is shorter than the blocks to scan
      let scan = 0;
      for (let j = 0; j < sp.length; j += 3) scan += sp[j + 1]! - sp[j]!;
      const list = site.pageviewRows;
      if (list.length < scan) {
        const rows = list.data;
        for (let j = 0; j < sp.length; j += 3) {
          const inner = sp[j + 2]!;
          const tm = inner ? 0 : -1;
          const lo = inner ? -Infinity : from;
          const hi = inner ? Infinity : to;
          const a = list.firstAtLeast(sp[j]!);
          const b = list.firstAtLeast(sp[j + 1]!);
          if (mask) {
            for (let k = a; k < b; k++) {
              const i = rows[k]!;
              const t = ts[i & tm]!;
              out[n] = i;
              n += bit(t >= lo) & bit(t < hi) & mask[sess[i]! + 1]!;
            }
          } else {
            for (let k = a; k < b; k++) {
              const i = rows[k]!;
              const t = ts[i & tm]!;
              out[n] = i;
              n += bit(t >= lo) & bit(t < hi);
            }
          }
        }
        return n;
      }
    }
    for (let j = 0; j < sp.length; j += 3) {
      const a = sp[j]!;
      const b = sp[j + 1]!;
      const inner = sp[j + 2]!;
      const tm = inner ? 0 : -1;
      const lo = inner ? -Infinity : from;
      const hi = inner ? Infinity : to;
      if (q.hasEventFilters) {
        const m = mask ?? ONE;
        const dm = mask ? 1 : 0;
        for (let i = a; i < b; i++) {
          const t = ts[i & tm]!;
          const y = types[i]!;
          out[n] = i;
          n +=
            bit(t >= lo) &
            bit(t < hi) &
            bit(all || y === type) &
            typeOk[y]! &
            pathOk[paths[i]!]! &
            labelOk[labels[i]!]! &
            propOk[props[i]!]! &
            m[(sess[i]! + 1) * dm]!;
        }
      } else if (mask && all) {
        for (let i = a; i < b; i++) {
          const t = ts[i & tm]!;
          out[n] = i;
          n += bit(t >= lo) & bit(t < hi) & mask[sess[i]! + 1]!;
        }
      } else if (mask) {
        for (let i = a; i < b; i++) {
          const t = ts[i & tm]!;
          out[n] = i;
          n += bit(t >= lo) & bit(t < hi) & bit(types[i] === type) & mask[sess[i]! + 1]!;
        }
      } else if (all) {
        for (let i = a; i < b; i++) {
          const t = ts[i & tm]!;
          out[n] = i;
          n += bit(t >= lo) & bit(t < hi);
        }
      } else {
        for (let i = a; i < b; i++) {
          const t = ts[i & tm]!;
          out[n] = i;
          n += bit(t >= lo) & bit(t < hi) & bit(types[i] === type);
        }
      }
    }
    return n;
  }

  /**
   * Without event or session filters: the positions in the pageview row list (and in the
   * per-pageview columns of `site.links`) of the pageviews in [from, to), in order, into `idx`
   * — or, when they make one run, only its first (`positionsRun`); null with filters
   * (`selectEvents` then).
   */
  function pageviewPositions(q: Plan, from: number, to: number): number | null {
    run = -1;
    if (q.hasEventFilters || q.sessionTests.length > 0 || q.pageview < 0) return null;
    const { site } = q;
    const list = site.pageviewRows;
    const rows = list.data;
    const ts = site.eTs.data;
    room(list.length);
    const out = idx;
    let n = 0;
    // while the positions make one run from `lo`, none is written (a range's usually do: 22 MB
    // of writes at 10 M events); once one breaks it, the run is written out and the rest after it
    let lo = -1;
    let inRun = true;
    const writeRun = () => {
      for (let i = 0; i < n; i++) out[i] = lo + i;
      inRun = false;
    };
    const sp = site.eBlocks.spans(from, to, site.events);
    for (let j = 0; j < sp.length; j += 3) {
      const a = list.firstAtLeast(sp[j]!);
      const b = list.firstAtLeast(sp[j + 1]!);
      if (sp[j + 2]) {
        if (a === b) continue;
        if (inRun) {
          if (n === 0) lo = a;
          if (a === lo + n) {
            n += b - a;
            continue;
          }
          writeRun();
        }
        for (let k = a; k < b; k++) out[n++] = k;
        continue;
      }
      for (let k = a; k < b; k++) {
        const t = ts[rows[k]!]!;
        const ok = bit(t >= from) & bit(t < to);
        if (inRun) {
          if (!ok) continue;
          if (n === 0) lo = k;
          if (k === lo + n) {
            n++;
            continue;
          }
          writeRun();
        }
        out[n] = k;
        n += ok;
      }
    }
    if (inRun && n > 0) run = lo;
    return n;
  }

  /** Pageview count: the events as above, of type pageview (none when none was ever stored). */
  function pageviewEvents(q: Plan, from: number, to: number, needSession: boolean): number {
    if (q.pageview < 0) return 0;
    return selectEvents(q, from, to, q.pageview, needSession);
  }

  /**
   * With event filters, 1 per session holding a passing event in [span start, latest end of the
   * sessions started in the span] (`sessionWhere`); null without event filters.
   */
  function held(
    q: Plan,
    from: number,
    to: number,
    pv?: { to: number; count: number },
  ): Uint8Array | null {
    if (!q.hasEventFilters) return null;
    const { site, pathOk, labelOk, typeOk, propOk } = q;
    const props = site.eProps.data;
    const start = site.sStart.data;
    const end = site.sEnd.data;
    let maxEnd = -Infinity;
    const r = site.sBlocks.ranges(from, to, false, site.sessions);
    for (let j = 0; j < r.length; j += 2) {
      const a = r[j]!;
      const b = r[j + 1]!;
      for (let s = a; s < b; s++) {
        const t = start[s]!;
        if (t >= from && t < to && end[s]! > maxEnd) maxEnd = end[s]!;
      }
    }
    if (maxEnd === -Infinity) maxEnd = 0; // coalesce(max(ended_at), 0)
    const out = scratch('held', Uint8Array, site.sessions + 1); // by ordinal + 1, as the masks
    if (onlyPages(q)) {
      // a page filter: its pages' rows and tags, in sequence (`heldByPages`)
      const mask = sessionMask(q);
      const last = pv ? Math.max(maxEnd, pv.to) : maxEnd;
      const count = heldByPages(
        site,
        q.pathOk,
        [from, maxEnd, last],
        pv?.to ?? Infinity,
        mask,
        out,
      );
      if (pv) pv.count = count;
      return out;
    }
    const ts = site.eTs.data;
    const types = site.eType.data;
    const paths = site.ePath.data;
    const labels = site.eLabel.data;
    const sess = site.eSession.data;
    if (q.rows) {
      const rows = q.rows;
      for (let k = 0; k < rows.length; k++) {
        const i = rows[k]!;
        const t = ts[i]!;
        const x = sess[i]! + 1;
        out[x] =
          out[x]! |
          (bit(t >= from) &
            bit(t <= maxEnd) &
            typeOk[types[i]!]! &
            pathOk[paths[i]!]! &
            labelOk[labels[i]!]! &
            propOk[props[i]!]!);
      }
      return out;
    }
    if (pv) {
      // the same pass counts the pageviews of [from, pv.to) under the filters (the overview's)
      const mask = sessionMask(q) ?? ONE;
      const dm = sessionMask(q) ? 1 : 0;
      const type = q.pageview;
      const last = Math.max(maxEnd, pv.to);
      const re = site.eBlocks.ranges(from, last, true, site.events);
      let count = 0;
      for (let j = 0; j < re.length; j += 2) {
        const a = re[j]!;
        const b = re[j + 1]!;
        for (let i = a; i < b; i++) {
          const t = ts[i]!;
          const y = types[i]!;
          const k = sess[i]! + 1;
          const ok =
            bit(t >= from) &
            typeOk[y]! &
            pathOk[paths[i]!]! &
            labelOk[labels[i]!]! &
            propOk[props[i]!]!;
          out[k] = out[k]! | (ok & bit(t <= maxEnd));
          count += ok & bit(t < pv.to) & bit(y === type) & mask[k * dm]!;
        }
      }
      pv.count = count;
      return out;
    }
    const re = site.eBlocks.ranges(from, maxEnd, true, site.events);
    for (let j = 0; j < re.length; j += 2) {
      const a = re[j]!;
      const b = re[j + 1]!;
      for (let i = a; i < b; i++) {
        const t = ts[i]!;
        const k = sess[i]! + 1;
        out[k] =
          out[k]! |
          (bit(t >= from) &
            bit(t <= maxEnd) &
            typeOk[types[i]!]! &
            pathOk[paths[i]!]! &
            labelOk[labels[i]!]! &
            propOk[props[i]!]!);
      }
    }
    return out;
  }

  /** The sessions of the report started in [from, to) into `idx`; `span` for `held`. */
  function selectSessions(
    q: Plan,
    from: number,
    to: number,
    span: readonly [number, number],
    heldAlready?: Uint8Array | null,
  ) {
    const { site } = q;
    const mask = sessionMask(q);
    const h = heldAlready !== undefined ? heldAlready : held(q, span[0], span[1]);
    const start = site.sStart.data;
    room(site.sessions);
    const out = idx;
    let n = 0;
    // the sessions of blocks wholly inside [from, to) need no time test (nor their starts read)
    const r = site.sBlocks.spans(from, to, site.sessions);
    for (let j = 0; j < r.length; j += 3) {
      const a = r[j]!;
      const b = r[j + 1]!;
      const inner = r[j + 2] === 1;
      if (mask || h) {
        const m = mask ?? ONE;
        const dm = mask ? 1 : 0;
        const hh = h ?? ONE;
        const dh = h ? 1 : 0;
        if (inner)
          for (let s = a; s < b; s++) {
            out[n] = s;
            n += m[(s + 1) * dm]! & hh[(s + 1) * dh]!;
          }
        else
          for (let s = a; s < b; s++) {
            const t = start[s]!;
            out[n] = s;
            n += bit(t >= from) & bit(t < to) & m[(s + 1) * dm]! & hh[(s + 1) * dh]!;
          }
      } else if (inner) for (let s = a; s < b; s++) out[n++] = s;
      else
        for (let s = a; s < b; s++) {
          const t = start[s]!;
          out[n] = s;
          n += bit(t >= from) & bit(t < to);
        }
    }
    return n;
  }

  /** The columns `aggregate` reads of `site`. */
  const aggCols = (site: SiteColumns): AggCols => ({
    start: site.sStart.data,
    end: site.sEnd.data,
    pageviews: site.sPageviews.data,
    visitor: site.sVisitor.data,
    words: Math.max(1, (site.visitors + 31) >>> 5),
  });

  /**
   * Pageviews per bucket of every event (no filter applies): a block of rows wholly inside one
   * bucket brings its count, the others are read row by row.
   */
  function allPageviews(q: Plan, list: readonly Bucket[]): Int32Array {
    const per = new Int32Array(list.length);
    if (q.pageview < 0 || list.length === 0) return per;
    const { site } = q;
    const from = list[0]!.start;
    const to = list.at(-1)!.end;
    const find = new BucketFinder(list);
    const min = site.eBlocks.min.data;
    const max = site.eBlocks.max.data;
    const counts = site.ePageviews.data;
    const nCounts = site.ePageviews.length;
    const ts = site.eTs.data;
    const types = site.eType.data;
    const pv = q.pageview;
    const rows = site.events;
    const shift = site.eBlocks.shift;
    for (let blk = 0; blk < site.eBlocks.min.length; blk++) {
      const lo = min[blk]!;
      const hi = max[blk]!;
      if (hi < from || lo >= to) continue;
      if (lo >= from && hi < to) {
        const x = find.of(lo);
        if (hi < list[x]!.end) {
          if (blk < nCounts) per[x]! += counts[blk]!;
          continue;
        }
      }
      const end = Math.min(rows, (blk + 1) << shift);
      for (let i = blk << shift; i < end; i++) {
        const t = ts[i]!;
        if (t < from || t >= to || types[i] !== pv) continue;
        per[find.of(t)]!++;
      }
    }
    return per;
  }

  /**
   * Pageviews in the buckets of the events of the sessions passing `mask` (null: every known
   * session), as SQL's `sessionCounted`: a session wholly inside one bucket brings its counter
   * (`add(s, bucket, n)`); those a bucket's end cuts, or that started before the first bucket and
   * ended in or after it, have their events read, over the merged windows of time they cover
   * within the buckets (a session's events lie within [started_at, ended_at]). Added into `per`
   * by bucket, or with `groupOf` by the session's group id (no callback: a call target that
   * changes between callers keeps V8 from optimizing the loops).
   */
  function counted(
    q: Plan,
    list: readonly Bucket[],
    mask: Uint8Array | null,
    per: Int32Array,
    groupOf: Ids | null,
  ): void {
    if (q.pageview < 0 || list.length === 0) return;
    const { site } = q;
    const from = list[0]!.start;
    const to = list.at(-1)!.end;
    const find = new BucketFinder(list);
    const start = site.sStart.data;
    const end = site.sEnd.data;
    const pvs = site.sPageviews.data;
    const cut = scratch('cut', Uint8Array, site.sessions + 1);
    const windows: number[] = [];
    const r = site.sBlocks.ranges(from, to, false, site.sessions);
    for (let j = 0; j < r.length; j += 2) {
      for (let s = r[j]!; s < r[j + 1]!; s++) {
        const t = start[s]!;
        if (t < from || t >= to || (mask && !mask[s + 1])) continue;
        const b = find.of(t);
        if (end[s]! < list[b]!.end) {
          per[groupOf ? groupOf[s]! : b]! += pvs[s]!;
        } else {
          cut[s + 1] = 1;
          windows.push(t, Math.min(end[s]! + 1, to));
        }
      }
    }
    countCut(q, list, mask, per, groupOf, cut, windows);
  }

  /**
   * The rest of `counted`, for a caller that went over the sessions started in the buckets
   * itself: `cut` marks (at ordinal + 1) those a bucket's end cuts and `windows` holds their
   * [start, min(end + 1, to)) spans; the sessions that started before the first bucket and end
   * in or after it are added here, then the events of all of them in those windows are read.
   */
  function countCut(
    q: Plan,
    list: readonly Bucket[],
    mask: Uint8Array | null,
    per: Int32Array,
    groupOf: Ids | null,
    cut: Uint8Array,
    windows: number[],
  ): void {
    const { site } = q;
    const from = list[0]!.start;
    const to = list.at(-1)!.end;
    const find = new BucketFinder(list);
    cutByStart(site, from, to, mask, cut, windows);
    if (windows.length === 0) return;
    const ts = site.eTs.data;
    const types = site.eType.data;
    const sess = site.eSession.data;
    const pv = q.pageview;
    const rows = windowRows(site, windows);
    for (let k = 0; k < rows.length; k += 4) {
      const a = rows[k]!;
      const b = rows[k + 1]!;
      for (let i = rows[k + 2]!; i < rows[k + 3]!; i++) {
        const t = ts[i]!;
        if (t < a || t >= b || types[i] !== pv || !cut[sess[i]! + 1]) continue;
        per[groupOf ? groupOf[sess[i]!]! : find.of(t)]!++;
      }
    }
  }

  /** Pageviews per bucket under the filters (the overview's and the time series'). */
  function pageviewsPerBucket(q: Plan, list: readonly Bucket[]): Int32Array {
    if (q.sessionTests.length === 0 && !q.hasEventFilters) return allPageviews(q, list);
    const per = new Int32Array(list.length);
    if (!q.hasEventFilters) {
      counted(q, list, sessionMask(q), per, null);
      return per;
    }
    const from = list[0]?.start ?? 0;
    const to = list.at(-1)?.end ?? 0;
    if (onlyPages(q)) {
      pageviewsByPages(q.site, q.pathOk, sessionMask(q), new BucketFinder(list), [from, to], per);
      return per;
    }
    const m = pageviewEvents(q, from, to, false);
    const find = new BucketFinder(list);
    const ts = q.site.eTs.data;
    const ix = idx;
    for (let i = 0; i < m; i++) per[find.of(ts[ix[i]!]!)]!++;
    return per;
  }

  /** The overview's figures of [from, to), or null (SQL answers). */
  function metrics(p: ReportParams, from: number, to: number) {
    const q = plan(p);
    if (!q) return null;
    if (q.hasEventFilters && (!q.rows || onlyPages(q))) {
      // one pass over the events: the sessions holding a match, and the matching pageviews
      const pv = { to, count: 0 };
      const h = q.pageview >= 0 ? held(q, from, to, pv) : held(q, from, to);
      const n = selectSessions(q, from, to, [from, to], h);
      store.stats.answered++;
      return { ...aggregate(aggCols(q.site), idx, 0, n), pageviews: pv.count };
    }
    const n = selectSessions(q, from, to, [from, to]);
    const agg = aggregate(aggCols(q.site), idx, 0, n);
    const pageviews =
      from < to ? pageviewsPerBucket(q, [{ key: '', start: from, end: to }])[0]! : 0;
    store.stats.answered++;
    return { ...agg, pageviews };
  }

  /** Per bucket: the session rows (buckets with visits only) and the pageviews. */
  function timeseries(p: ReportParams, list: readonly Bucket[]) {
    const q = plan(p);
    if (!q) return null;
    const rows: (SessionAgg & { k: string })[] = [];
    const pv = new Map<string, number>();
    if (list.length === 0) return { rows, pv };
    const from = list[0]!.start;
    const to = list.at(-1)!.end;
    const { site } = q;
    const n = selectSessions(q, from, to, [from, to]);
    // the sessions by bucket (in start order already, mostly: else a counting sort), then one
    // distinct count per bucket
    const bucketOf = scratch('bucketOf', Int32Array, n, null);
    const count = new Int32Array(list.length + 1);
    const ix = idx;
    const ordered = bucketsOf(list, site.sStart.data, ix, n, bucketOf, count);
    for (let b = 0; b < list.length; b++) count[b + 1]! += count[b]!;
    let sorted = ix;
    if (!ordered) {
      sorted = scratch('sorted', Int32Array, n);
      const at = count.slice(0, list.length);
      for (let i = 0; i < n; i++) sorted[at[bucketOf[i]!]!++] = ix[i]!;
    }
    // the buckets with visits, as runs of `sorted`
    const runs: number[] = [];
    const keys: string[] = [];
    for (let b = 0; b < list.length; b++) {
      if (count[b + 1] === count[b]) continue;
      runs.push(count[b]!, count[b + 1]!);
      keys.push(list[b]!.key);
    }
    aggregateRuns(aggCols(site), sorted, runs).forEach((agg, k) =>
      rows.push({ k: keys[k]!, ...agg }),
    );
    const per = pageviewsPerBucket(q, list);
    for (let b = 0; b < list.length; b++) if (per[b]) pv.set(list[b]!.key, per[b]!);
    store.stats.answered++;
    return { rows, pv };
  }

  /**
   * The groups that rank first by (distinct visitors desc, count desc, value asc), at most `k`,
   * with exact distinct visitors: items are (group, visitor) pairs in `groupBuf`/`visitorBuf`,
   * `counts` per group id. A group's visitors are at most its count, so groups are counted in
   * order of count, in chunks of bitmaps over visitor ordinals, until no later group can rank.
   */
  function rank(
    n: number,
    counts: Int32Array,
    visitors: number,
    k: number,
    value: (id: number) => string | null,
    skipNull: boolean,
  ): { id: number; visitors: number; count: number }[] {
    const candidates: number[] = [];
    for (let g = skipNull ? 1 : 0; g < counts.length; g++) if (counts[g]! > 0) candidates.push(g);
    candidates.sort((a, b) => counts[b]! - counts[a]! || a - b);
    const words = Math.max(1, (visitors + 31) >>> 5);
    const per = Math.max(1, Math.floor(store.bitmapBytes / 4 / words));
    const distinct = new Int32Array(counts.length);
    const slot = new Int32Array(counts.length).fill(-1);
    const done: { id: number; visitors: number; count: number }[] = [];
    const order = (a: (typeof done)[0], b: (typeof done)[0]) =>
      b.visitors - a.visitors || b.count - a.count || compareText(value(a.id), value(b.id));
    let bits: Uint32Array | null = null;
    const gb = groupBuf;
    const vb = visitorBuf;
    for (let pos = 0; pos < candidates.length;) {
      if (done.length >= k && counts[candidates[pos]!]! < done[k - 1]!.visitors) break;
      const chunk = candidates.slice(pos, pos + per);
      pos += chunk.length;
      chunk.forEach((g, i) => (slot[g] = i));
      const size = chunk.length * words;
      bits = scratch('bits', Uint32Array, size);
      for (let i = 0; i < n; i++) {
        const g = gb[i]!;
        const sl = slot[g]!;
        if (sl < 0) continue;
        const v = vb[i]!;
        const w = sl * words + (v >>> 5);
        const m = 1 << (v & 31);
        const old = bits[w]!;
        distinct[g]! += bit((old & m) === 0);
        bits[w] = old | m;
      }
      for (const g of chunk) {
        slot[g] = -1;
        done.push({ id: g, visitors: distinct[g]!, count: counts[g]! });
      }
      done.sort(order);
    }
    return done.slice(0, k);
  }

  /**
   * Whether every group of a dictionary of `size` ids gets its own bitmap over the visitors at
   * once (`bitmapBytes`): then the distinct visitors are counted in the same pass as the rest.
   */
  const direct = (size: number, visitors: number) =>
    size * Math.max(1, (visitors + 31) >>> 5) * 4 <= store.bitmapBytes;

  /** The first `k` groups by (visitors desc, count desc, value asc), all counted exactly. */
  function ordered(
    counts: Int32Array,
    distinct: Int32Array,
    k: number,
    value: (id: number) => string | null,
    skipNull: boolean,
  ): { id: number; visitors: number; count: number }[] {
    const out: { id: number; visitors: number; count: number }[] = [];
    for (let g = skipNull ? 1 : 0; g < counts.length; g++)
      if (counts[g]! > 0) out.push({ id: g, visitors: distinct[g]!, count: counts[g]! });
    out.sort(
      (a, b) =>
        b.visitors - a.visitors || b.count - a.count || compareText(value(a.id), value(b.id)),
    );
    return out.slice(0, k);
  }

  /**
   * An event dimension's ids (through `map` for a custom property: its value id per `props`
   * text) and their dictionary.
   */
  const eventColumn = (
    site: SiteColumns,
    name: string,
  ): { col: Ids; map: Int32Array | null; dict: Dictionary } | null => {
    if (name.startsWith('prop.')) {
      const prop = store.prop(name.slice(5));
      return { col: site.eProps.data, map: prop.text, dict: prop.values };
    }
    return name === 'page'
      ? { col: site.ePath.data, map: null, dict: store.paths }
      : name === 'event'
        ? { col: site.eLabel.data, map: null, dict: store.labels }
        : name === 'type'
          ? { col: site.eType.data, map: null, dict: store.types }
          : null;
  };

  /** Rows of a breakdown by `page`, `event` or `type` (value, events, visitors), or null. */
  function eventBreakdown(p: ReportParams, dim: Dimension, limit: number, offset: number) {
    const q = plan(p);
    if (!q) return null;
    const { site } = q;
    const c = eventColumn(site, dim.name);
    if (!c) return null;
    store.stats.answered++;
    const type = dim.name === 'page' ? q.pageview : -1;
    if (dim.name === 'page' && type < 0) return [];
    // pages without filters: the pageviews' positions, and their paths and visitors in sequence
    const pos = dim.name === 'page' ? pageviewPositions(q, p.from, p.to) : null;
    const n = pos ?? selectEvents(q, p.from, p.to, type, false);
    const counts = new Int32Array(c.dict.size);
    const value = (id: number) => c.dict.values[id]!;
    if (pos !== null) {
      const distinct = new Int32Array(c.dict.size);
      viewsAndVisitors(idx, n, site.links.path.data, site.repeats.same.data, counts, distinct, run);
      return ordered(counts, distinct, offset + limit, value, true)
        .slice(offset, offset + limit)
        .map((r) => ({ value: value(r.id), events: r.count, visitors: r.visitors }));
    }
    const col = c.col;
    const vis = site.eVisitor.data;
    const map = c.map;
    if (direct(c.dict.size, site.visitors)) {
      const words = Math.max(1, (site.visitors + 31) >>> 5);
      const bits = scratch('bits', Uint32Array, c.dict.size * words);
      const distinct = new Int32Array(c.dict.size);
      const ix = idx;
      for (let i = 0; i < n; i++) {
        const e = ix[i]!;
        const g = map ? map[col[e]!]! : col[e]!;
        const v = vis[e]!;
        const w = g * words + (v >>> 5);
        const m = 1 << (v & 31);
        const old = bits[w]!;
        distinct[g]! += bit((old & m) === 0);
        bits[w] = old | m;
        counts[g]!++;
      }
      return ordered(counts, distinct, offset + limit, value, true)
        .slice(offset, offset + limit)
        .map((r) => ({ value: value(r.id), events: r.count, visitors: r.visitors }));
    }
    pairRoom(n);
    const ix = idx;
    const gb = groupBuf;
    const vb = visitorBuf;
    let m = 0;
    for (let i = 0; i < n; i++) {
      const e = ix[i]!;
      const g = map ? map[col[e]!]! : col[e]!;
      if (g === 0) continue; // NULL values are not a row
      counts[g]!++;
      gb[m] = g;
      vb[m++] = vis[e]!;
    }
    const top = rank(m, counts, site.visitors, offset + limit, (id) => c.dict.values[id]!, true);
    return top.slice(offset, offset + limit).map((r) => ({
      value: c.dict.values[r.id]!,
      events: r.count,
      visitors: r.visitors,
    }));
  }

  /** Rows of a breakdown by a session dimension and the pageviews per value, or null. */
  function sessionBreakdown(p: ReportParams, dim: Dimension, limit: number, offset: number) {
    const q = plan(p);
    if (!q) return null;
    const d = sessionDimIndex.get(dim.name);
    if (d === undefined) return null;
    const { site } = q;
    const dict = store.dims[d]!;
    const col = site.sDims[d]!.data;
    const n = selectSessions(q, p.from, p.to, [p.from, p.to]);
    let counts: Int32Array = new Int32Array(dict.size);
    let bounces: Int32Array = new Int32Array(dict.size);
    let ms: Float64Array = new Float64Array(dict.size);
    const start = site.sStart.data;
    const end = site.sEnd.data;
    const pvs = site.sPageviews.data;
    const vis = site.sVisitor.data;
    const value = (id: number) => dict.values[id]!;
    // pageviews in the range per value, of events with a known session: without event filters,
    // a session that ends before the range does brings its counter in the loops below, the
    // others are read (`countCut`); with them, the matching pageviews are read
    let per: Int32Array = new Int32Array(dict.size);
    const fused = !q.hasEventFilters && p.from < p.to && q.pageview >= 0;
    const cut = scratch('cut', Uint8Array, fused ? site.sessions + 1 : 0);
    let windows: number[] = [];
    const to = fused ? p.to : -Infinity;
    let top: { id: number; visitors: number; count: number }[];
    if (direct(dict.size, site.visitors)) {
      const words = Math.max(1, (site.visitors + 31) >>> 5);
      const g = sessionGroups(
        { col, start, end, pageviews: pvs, visitor: vis, groups: dict.size, words, to, fused },
        idx,
        n,
      );
      ({ counts, bounces, ms, per, windows } = g);
      for (const s of g.cut) cut[s + 1] = 1;
      top = ordered(counts, g.distinct, offset + limit, value, false);
    } else top = rankSessions();
    function rankSessions() {
      pairRoom(n);
      const ix = idx;
      const gb = groupBuf;
      const vb = visitorBuf;
      for (let i = 0; i < n; i++) {
        const s = ix[i]!;
        const g = col[s]!;
        const e = end[s]!;
        counts[g]!++;
        bounces[g]! += bit(pvs[s]! <= 1);
        ms[g]! += e - start[s]!;
        if (e < to) per[g]! += pvs[s]!;
        else if (fused) ((cut[s + 1] = 1), windows.push(start[s]!, Math.min(e + 1, to)));
        gb[i] = g;
        vb[i] = vis[s]!;
      }
      return rank(n, counts, site.visitors, offset + limit, value, false);
    }
    const rows = top.slice(offset, offset + limit).map((r) => ({
      value: dict.values[r.id]!,
      visitors: r.visitors,
      visits: r.count,
      bounces: bounces[r.id]!,
      ms: ms[r.id]! / r.count,
    }));
    if (fused) {
      const list = [{ key: '', start: p.from, end: p.to }];
      countCut(q, list, sessionMask(q), per, col, cut, windows);
    } else if (onlyPages(q)) {
      sessionPageviewsByPages(site, q.pathOk, sessionMask(q), [p.from, p.to], col, per);
    } else if (q.hasEventFilters) {
      const m = pageviewEvents(q, p.from, p.to, true);
      const sess = site.eSession.data;
      const ix = idx;
      for (let i = 0; i < m; i++) per[col[sess[ix[i]!]!]!]!++;
    }
    const pv = new Map<string | null, number>();
    for (let g = 0; g < per.length; g++) if (per[g]) pv.set(dict.values[g]!, per[g]!);
    store.stats.answered++;
    return { rows, pv };
  }

  /** The scans the other column reports build on (`more-reports.ts`); results land in `idx()`. */
  const scans = {
    plan,
    selectSessions,
    selectEvents,
    pageviewPositions,
    sessionMask,
    idx: () => idx,
    /** the first of `pageviewPositions`' positions when they make one run (not in `idx`), or -1 */
    positionsRun: () => run,
  };

  return { metrics, timeseries, eventBreakdown, sessionBreakdown, scans };
}

export type ColumnReports = ReturnType<typeof createColumnReports>;
export type ColumnScans = ColumnReports['scans'];
