/**
 * The generic query over columns: the events of the range grouped by a time bucket and session
 * or event dimensions, with count, distinct visitors and sessions, and sum/avg/min/max of
 * `scroll_depth`, `engaged_ms` or a numeric property; sorted as SQLite sorts (NULL first ascending, numbers before
 * text, text by bytes) and limited; custom properties as dimensions, filters and numeric fields.
 * Returns null where it does not apply (events of sessions not stored, counted by `sessions`):
 * `analytics/query.ts` answers then, and stays the definition.
 */
import type { Dimension } from '../dimensions.js';
import type { Filter } from '../filters.js';
import { BucketFinder, type Bucket } from '../time.js';
import { compareText, type Dictionary } from './dictionary.js';
import { scratchPool } from './growable.js';
import { sessionCells, type SessionDim } from './query-sessions.js';
import type { ColumnScans } from './reports.js';
import { SESSION_DIMS, type ColumnStore, type SiteColumns } from './store.js';

export interface ColumnQuery {
  websiteId: string;
  from: number;
  to: number;
  timezone: string;
  filters: Filter[];
  /** the time buckets (one covering [from, to) without a time group) */
  list: readonly Bucket[];
  interval: boolean;
  dims: Dimension[];
  metrics: string[];
  /** output column index and direction, in order, then the group columns ascending */
  order: { column: number; desc: boolean }[];
  limit: number;
}

type Ids = ArrayLike<number>;
type Value = string | number | null;

/** Group keys counted in a dense table up to this many (4 MB), else in a Map. */
const DENSE_KEYS = 1 << 20;

/** Groups counted from sessions (`query-sessions.ts`) up to this many cells. */
const SESSION_CELLS = 1 << 16;

/** Each session's part of the group key, reused across queries. */
const parts = scratchPool();

const sessionDim = new Map(SESSION_DIMS.map((d, i) => [d.name, i]));

/** SQLite's ORDER BY: NULL, then numbers, then text (by bytes). */
function compareValues(a: Value, b: Value): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  if (typeof a === 'number') return typeof b === 'number' ? a - b : -1;
  if (typeof b === 'number') return 1;
  return compareText(a, b);
}

export function createColumnQuery(store: ColumnStore, scans: ColumnScans) {
  // per-row scratch reused across queries: megabytes allocated per query make V8 collect often
  const pool: Int32Array[] = [];
  const scratch = (k: number, n: number) => {
    const a = pool[k];
    if (!a || a.length < n) pool[k] = new Int32Array(Math.max(n, (a?.length ?? 0) * 2, 1024));
    return pool[k]!.subarray(0, n);
  };

  /**
   * A dimension's ids and their dictionary: a session dimension's by session ordinal, an event
   * dimension's by row (a custom property's through `map`, its value id per `props` text); or
   * null where the columns do not hold it.
   */
  function column(
    site: SiteColumns,
    d: Dimension,
  ): { dict: Dictionary; session: Ids | null; event: Ids | null; map: Int32Array | null } | null {
    const sd = sessionDim.get(d.name);
    if (sd !== undefined)
      return { dict: store.dims[sd]!, session: site.sDims[sd]!.data, event: null, map: null };
    if (d.name.startsWith('prop.')) {
      const prop = store.prop(d.name.slice(5));
      return { dict: prop.values, session: null, event: site.eProps.data, map: prop.text };
    }
    const ev: Record<string, [Ids, Dictionary]> = {
      page: [site.ePath.data, store.paths],
      event: [site.eLabel.data, store.labels],
      type: [site.eType.data, store.types],
    };
    const c = ev[d.name];
    return c ? { dict: c[1], session: null, event: c[0], map: null } : null;
  }

  return function run(q: ColumnQuery): Value[][] | null {
    const metricFields = q.metrics.map((m) => (m.includes(':') ? m.split(':')[1]! : null));
    const p = { ...q, interval: 'day' as const };
    const plan = scans.plan(p);
    if (!plan) return null;
    const { site } = plan;
    const cols = q.dims.map((d) => column(site, d));
    if (cols.some((c) => c === null)) return null;
    const needSession = q.dims.some((d) => d.kind === 'session');
    const from = q.list[0]?.start ?? q.from;
    const to = q.list.at(-1)?.end ?? q.to;
    const sess = site.eSession.data;
    const wantsSessions = q.metrics.includes('sessions');
    // a group id per row: the bucket and each dimension's id, in mixed radix
    const radix = [q.interval ? q.list.length : 1, ...cols.map((c) => c!.dict.size)];
    if (radix.reduce((a, b) => a * b, 1) > Number.MAX_SAFE_INTEGER) return null;
    const buckets = new BucketFinder(q.list);
    const ts = site.eTs.data;
    const cells = radix.reduce((a, b) => a * b, 1);
    // the key is linear in the ids (mixed radix): the session dimensions' part once per session,
    // the event dimensions' per row
    const weight = radix.map((_, c) => radix.slice(c + 1).reduce((a, b) => a * b, 1));
    const sessionDims: SessionDim[] = [];
    const at: { col: Ids; map: Int32Array | null; weight: number }[] = [];
    cols.forEach((c, k) => {
      if (c!.session) sessionDims.push({ col: c!.session, weight: weight[k + 1]! });
      else at.push({ col: c!.event!, map: c!.map, weight: weight[k + 1]! });
    });
    const w0 = weight[0]!;
    /** The group `key`'s time bucket and dimension values, the start of its output row. */
    const groupValues = (key: number): Value[] => {
      const row: Value[] = [];
      const ids: number[] = [];
      for (let c = cols.length - 1; c >= 0; c--) {
        ids[c] = key % radix[c + 1]!;
        key = Math.floor(key / radix[c + 1]!);
      }
      if (q.interval) row.push(q.list[key]!.key);
      cols.forEach((c, k) => row.push(c!.dict.values[ids[k]!]!));
      return row;
    };
    // by time and session dimensions only, counting events, visitors and sessions: from sessions
    if (
      needSession &&
      at.length === 0 &&
      !plan.hasEventFilters &&
      q.metrics.every((m) => m === 'count' || m === 'visitors' || m === 'sessions') &&
      cells <= SESSION_CELLS &&
      from < to
    ) {
      const mask = scans.sessionMask(plan);
      const c = sessionCells(site, q.list, mask, sessionDims, q.interval ? w0 : 0, cells);
      if (c) {
        const out: Value[][] = [];
        for (let key = 0; key < cells; key++) {
          if (c.count[key] === 0) continue;
          const row = groupValues(key);
          for (const m of q.metrics)
            row.push(
              m === 'count'
                ? c.count[key]!
                : m === 'visitors'
                  ? c.visitors[key]!
                  : c.sessions[key]!,
            );
          out.push(row);
        }
        return finish(out);
      }
    }
    const sessionPart = needSession ? parts('session', Float64Array, site.sessions) : null;
    if (sessionPart)
      for (const { col, weight } of sessionDims)
        for (let x = 0; x < site.sessions; x++) sessionPart[x]! += col[x]! * weight;
    const n = from < to ? scans.selectEvents(plan, from, to, -1, needSession) : 0;
    const idx = scans.idx();
    // group ids by key: a dense table while the keys are few, else a Map
    const dense = cells <= DENSE_KEYS ? new Int32Array(cells).fill(-1) : null;
    const groupOf = dense ? null : new Map<number, number>();
    const keys: number[] = [];
    const group = scratch(0, n);
    for (let k = 0; k < n; k++) {
      const i = idx[k]!;
      // an event of a session not stored counts its own session id in SQL: not held here
      if (wantsSessions && sess[i]! < 0) return null;
      let key = (q.interval ? buckets.of(ts[i]!) : 0) * w0;
      if (sessionPart) key += sessionPart[sess[i]!]!;
      for (let c = 0; c < at.length; c++) {
        const { col, map, weight } = at[c]!;
        key += (map ? map[col[i]!]! : col[i]!) * weight;
      }
      let g = dense ? dense[key]! : (groupOf!.get(key) ?? -1);
      if (g < 0) {
        g = keys.length;
        if (dense) dense[key] = g;
        else groupOf!.set(key, g);
        keys.push(key);
      }
      group[k] = g;
    }
    // without a group column SQL answers one row, over no events too
    if (keys.length === 0 && !q.interval && cols.length === 0) keys.push(0);
    // counting sort of the rows by group, then each group's metrics in one pass
    const G = keys.length;
    const start = new Int32Array(G + 1);
    for (let k = 0; k < n; k++) start[group[k]! + 1]!++;
    for (let g = 0; g < G; g++) start[g + 1]! += start[g]!;
    const pos = start.slice(0, G);
    const rows = scratch(1, n);
    // the visitor and session of each row too, in group order: the distinct counts then read them
    // in sequence instead of looking each row up at random
    const vis = site.eVisitor.data;
    const wantsVisitors = q.metrics.includes('visitors');
    const byVisitor = scratch(2, wantsVisitors ? n : 0);
    const bySession = scratch(3, wantsSessions ? n : 0);
    for (let k = 0; k < n; k++) {
      const i = idx[k]!;
      const at = pos[group[k]!]!++;
      rows[at] = i;
      if (wantsVisitors) byVisitor[at] = vis[i]!;
      if (wantsSessions) bySession[at] = sess[i]!;
    }
    const numeric = numericColumns(store, site, n ? rows : new Int32Array(0), metricFields);
    const vStamp = scratch(4, wantsVisitors ? site.visitors : 0).fill(-1);
    const sStamp = scratch(5, wantsSessions ? site.sessions : 0).fill(-1);
    let epoch = -1;
    const out: Value[][] = [];
    for (let g = 0; g < G; g++) {
      const row = groupValues(keys[g]!);
      const lo = start[g]!;
      const hi = start[g + 1]!;
      q.metrics.forEach((m, mi) => {
        if (m === 'count') return void row.push(hi - lo);
        if (m === 'visitors' || m === 'sessions') {
          const stamp = m === 'visitors' ? vStamp : sStamp;
          const of = m === 'visitors' ? byVisitor : bySession;
          const e = ++epoch; // one per group and metric (a metric may be asked twice)
          let d = 0;
          for (let k = lo; k < hi; k++) {
            const x = of[k]!;
            d += (stamp[x] !== e) as unknown as number; // branch-free: a coin toss per row
            stamp[x] = e;
          }
          return void row.push(d);
        }
        const values = numeric[mi]!;
        const agg = m.split(':')[0]!;
        let count = 0;
        let sum = 0;
        let min = Infinity;
        let max = -Infinity;
        for (let k = lo; k < hi; k++) {
          const v = values[k]!;
          if (v !== v) continue; // NaN: NULL
          count++;
          sum += v;
          if (v < min) min = v;
          if (v > max) max = v;
        }
        row.push(
          count === 0
            ? null
            : agg === 'sum'
              ? sum
              : agg === 'avg'
                ? sum / count
                : agg === 'min'
                  ? min
                  : max,
        );
      });
      out.push(row);
    }
    return finish(out);

    /** The rows sorted (by the order asked, then the group columns) and limited. */
    function finish(out: Value[][]): Value[][] {
      const groupColumns = Array.from({ length: (q.interval ? 1 : 0) + cols.length }, (_, i) => i);
      const order = [...q.order, ...groupColumns.map((column) => ({ column, desc: false }))];
      out.sort((a, b) => {
        for (const o of order) {
          const c = compareValues(a[o.column]!, b[o.column]!);
          if (c) return o.desc ? -c : c;
        }
        return 0;
      });
      store.stats.answered++;
      return out.slice(0, q.limit);
    }
  };
}

/**
 * Per metric over a numeric field: its value for each of `rows` (in that order), NaN for NULL.
 * `scroll_depth` and `engaged_ms` come from the sparse rows that have them (in row order, found
 * by binary search); `prop.<key>` from the property's number per `props` text.
 */
function numericColumns(
  store: ColumnStore,
  site: SiteColumns,
  rows: Int32Array,
  fields: (string | null)[],
): (Float64Array | null)[] {
  const sc = site.scroll;
  const list = sc.row.data;
  const find = (i: number) => {
    let lo = 0;
    let hi = sc.row.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const r = list[mid]!;
      if (r === i) return mid;
      if (r < i) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  };
  let slots: Int32Array | null = null;
  return fields.map((f) => {
    if (f === null) return null;
    const out = new Float64Array(rows.length);
    if (f.startsWith('prop.')) {
      const num = store.prop(f.slice(5)).num;
      const props = site.eProps.data;
      for (let k = 0; k < rows.length; k++) out[k] = num[props[rows[k]!]!]!;
      return out;
    }
    slots ??= rows.map(find);
    const src = f === 'scroll_depth' ? sc.depth.data : sc.engagedMs.data;
    for (let k = 0; k < rows.length; k++) {
      const v = slots[k]! < 0 ? -1 : src[slots[k]!]!;
      out[k] = v < 0 ? NaN : v; // -1 is NULL in the sparse rows
    }
    return out;
  });
}
