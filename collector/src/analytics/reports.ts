/**
 * The dashboard reports: overview (with the previous period), time series, breakdowns, pages and
 * sessions. Definitions (docs/analytics.md):
 * - visits: sessions that started in the range; visitors: their distinct visitor ids;
 * - bounce rate: share of those visits with at most one pageview; visit duration: their average
 *   length in seconds;
 * - pageviews (and events): those whose own time is in the range.
 */
import type Database from 'better-sqlite3';
import { dimension, type Dimension } from './dimensions.js';
import type { ReportParams } from './params.js';
import {
  BUCKET_LABEL,
  between,
  bucketRange,
  bucketTable,
  eventFrom,
  idMatchSpan,
  sessionStarts,
  sessionWhere,
  type Sql,
} from './scope.js';
import { sessionCounted } from './counted.js';
import { DURATION_BOUNDS, DURATIONS, PAGES } from './session-buckets.js';
import { eventCounts } from './rollups.js';
import { buckets, type Bucket } from './time.js';
import { columnAnswers } from './columns/answers.js';
import type { PageRow, SessionFigures } from './columns/more-reports.js';
import type { ColumnStore } from './columns/store.js';

export interface Metrics {
  visitors: number;
  visits: number;
  pageviews: number;
  viewsPerVisit: number;
  /** percent, 0–100 */
  bounceRate: number;
  /** seconds */
  visitDuration: number;
}

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

/**
 * The reports over `sqlite`; with a column store (`columns/`), every report is answered from it
 * whenever it is ready (the same figures; SQL answers while it is not).
 */
export function createReports(sqlite: Database.Database, columns: ColumnStore | null = null) {
  const answers = columns ? columnAnswers(columns) : null;
  const col = answers?.core ?? null;
  const more = answers?.more ?? null;
  const all = <T>(q: Sql) => sqlite.prepare(q.sql).all(...q.params) as T[];
  const one = <T>(q: Sql) => sqlite.prepare(q.sql).get(...q.params) as T;
  const counts = eventCounts(sqlite);

  /**
   * Pageviews per bucket: from the hourly rollup when no filter applies; under session filters
   * alone from the sessions' counters (`sessionCounted`: only sessions a bucket boundary cuts
   * have their events read); else counted over the filtered events.
   */
  function pageviews(p: ReportParams, list: readonly Bucket[]): Map<string, number> {
    if (p.filters.length === 0) {
      const perBucket = counts.perBucket(p.websiteId, list);
      return new Map(list.map((b) => [b.key, perBucket.get(b.key)!.get('pageview') ?? 0]));
    }
    const c = sessionCounted(sqlite, p.websiteId, p.filters, [], list, 'pageviews');
    if (c) {
      const rows = all<{ k: string; n: number }>({
        sql: `SELECT u.k AS k, sum(u.n) AS n ${c.sql} GROUP BY k`,
        params: c.params,
      });
      return new Map(rows.map((r) => [r.k, r.n]));
    }
    const span = [list[0]?.start ?? 0, list.at(-1)?.end ?? 0] as const;
    const e = eventFrom(
      p.websiteId,
      bucketRange,
      p.filters,
      idMatchSpan(sqlite, p.websiteId, span),
      false,
      bucketTable(list),
    );
    const rows = all<{ k: string; n: number }>({
      sql: `SELECT ${BUCKET_LABEL} AS k, count(*) AS n ${e.sql} AND e.type = 'pageview' GROUP BY k`,
      params: e.params,
    });
    return new Map(rows.map((r) => [r.k, r.n]));
  }

  /** Pageviews in [from, to) per value of a session dimension, from `sessionCounted`. */
  function sessionPageviews(
    p: ReportParams,
    from: number,
    to: number,
    dim: Dimension,
  ): Map<string | null, number> | null {
    const c = sessionCounted(
      sqlite,
      p.websiteId,
      p.filters,
      [dim],
      [{ key: '', start: from, end: to }],
      'pageviews',
    );
    if (!c) return null;
    const rows = all<{ value: string | null; n: number }>({
      sql: `SELECT u.g0 AS value, sum(u.n) AS n ${c.sql} GROUP BY value`,
      params: c.params,
    });
    return new Map(rows.map((r) => [r.value, r.n]));
  }

  /**
   * Whether a site's distinct visitors of [from, to) are cheaper from `sessions_visitor_idx`,
   * (website, visitor, start): read in visitor order, whole, with no hashing of ids (at 1 M
   * events 12 ms against 60 for hashing them during the range's scan), but every session of the
   * site is read, so only where the range covers at least a quarter of the time the site's
   * sessions span.
   */
  function visitorIndexPays(websiteId: string, from: number, to: number): boolean {
    const starts = sessionStarts(sqlite, websiteId);
    if (!starts) return false;
    const overlap = Math.min(to, starts.last + 1) - Math.max(from, starts.first);
    return overlap > 0 && starts.last + 1 - starts.first <= 4 * overlap;
  }

  function metrics(p: ReportParams, from: number, to: number): Metrics {
    const c = col?.metrics(p, from, to);
    if (c) return shapeMetrics(c, { n: c.pageviews });
    const s = sessionWhere(p.websiteId, between(from, to), p.filters, [from, to]);
    const byIndex = p.filters.length === 0 && visitorIndexPays(p.websiteId, from, to);
    const agg = one<{
      visits: number;
      visitors: number;
      bounces: number | null;
      ms: number | null;
    }>({
      sql: `SELECT count(*) AS visits, ${byIndex ? '0' : 'count(DISTINCT s.visitor_id)'} AS visitors,
              sum(s.pageviews <= 1) AS bounces, avg(s.ended_at - s.started_at) AS ms
            FROM sessions s WHERE ${s.sql}`,
      params: s.params,
    });
    if (byIndex)
      agg.visitors = one<{ n: number }>({
        sql: `SELECT count(*) AS n FROM (SELECT DISTINCT s.visitor_id FROM sessions s
                INDEXED BY sessions_visitor_idx WHERE ${s.sql})`,
        params: s.params,
      }).n;
    const pv = { n: pageviews(p, [{ key: '', start: from, end: to }]).get('') ?? 0 };
    return shapeMetrics(agg, pv);
  }

  function shapeMetrics(
    agg: { visits: number; visitors: number; bounces: number | null; ms: number | null },
    pv: { n: number },
  ): Metrics {
    return {
      visitors: agg.visitors,
      visits: agg.visits,
      pageviews: pv.n,
      viewsPerVisit: agg.visits ? round(pv.n / agg.visits) : 0,
      bounceRate: agg.visits ? round((100 * (agg.bounces ?? 0)) / agg.visits, 1) : 0,
      visitDuration: agg.visits ? Math.round((agg.ms ?? 0) / 1000) : 0,
    };
  }

  function overview(p: ReportParams) {
    const current = metrics(p, p.from, p.to);
    const span = p.to - p.from;
    const previous = metrics(p, p.from - span, p.from);
    const change = {} as Record<keyof Metrics, number | null>;
    for (const k of Object.keys(current) as (keyof Metrics)[]) {
      change[k] =
        previous[k] === 0 ? null : round((100 * (current[k] - previous[k])) / previous[k], 1);
    }
    return {
      range: { from: new Date(p.from).toISOString(), to: new Date(p.to).toISOString() },
      previousRange: {
        from: new Date(p.from - span).toISOString(),
        to: new Date(p.from).toISOString(),
      },
      metrics: current,
      previous,
      change,
    };
  }

  function timeseries(p: ReportParams) {
    const list = buckets(p.timezone, p.from, p.to, p.interval);
    const c = col?.timeseries(p, list);
    if (c) return shapeTimeseries(p, list, new Map(c.rows.map((r) => [r.k, r])), c.pv);
    const table = bucketTable(list);
    const s = sessionWhere(p.websiteId, bucketRange, p.filters, [
      list[0]?.start ?? p.from,
      list.at(-1)?.end ?? p.to,
    ]);
    const sessionRows = all<{
      k: string;
      visits: number;
      visitors: number;
      bounces: number;
      ms: number;
    }>({
      sql: `SELECT ${BUCKET_LABEL} AS k, count(*) AS visits, count(DISTINCT s.visitor_id) AS visitors,
              sum(s.pageviews <= 1) AS bounces, avg(s.ended_at - s.started_at) AS ms
            FROM json_each(?) b JOIN sessions s ON ${s.sql} GROUP BY k`,
      params: [table, ...s.params],
    });
    const byKey = new Map(sessionRows.map((r) => [r.k, r]));
    const pvByKey = pageviews(p, list);
    return shapeTimeseries(p, list, byKey, pvByKey);
  }

  function shapeTimeseries(
    p: ReportParams,
    list: readonly Bucket[],
    byKey: Map<
      string,
      { visits: number; visitors: number; bounces: number | null; ms: number | null }
    >,
    pvByKey: Map<string, number>,
  ) {
    return {
      interval: p.interval,
      timezone: p.timezone,
      points: list.map((b) => {
        const r = byKey.get(b.key);
        const pageviews = pvByKey.get(b.key) ?? 0;
        return {
          bucket: b.key,
          start: new Date(b.start).toISOString(),
          visitors: r?.visitors ?? 0,
          visits: r?.visits ?? 0,
          pageviews,
          bounceRate: r?.visits ? round((100 * r.bounces!) / r.visits, 1) : 0,
          visitDuration: r?.visits ? Math.round(r.ms! / 1000) : 0,
        };
      }),
    };
  }

  function breakdown(p: ReportParams, by: string, limit: number, offset: number) {
    const dim = dimension(by);
    const range = between(p.from, p.to);
    if (dim.kind === 'session') return sessionBreakdown(p, dim, range, limit, offset);
    const rows =
      col?.eventBreakdown(p, dim, limit, offset) ?? eventRows(p, dim, range, limit, offset);
    return {
      by: dim.name,
      results: rows.map((r) =>
        dim.name === 'page'
          ? { value: r.value, visitors: r.visitors, pageviews: r.events }
          : { value: r.value, visitors: r.visitors, events: r.events },
      ),
    };
  }

  function eventRows(p: ReportParams, dim: Dimension, range: Sql, limit: number, offset: number) {
    const e = eventFrom(
      p.websiteId,
      range,
      p.filters,
      idMatchSpan(sqlite, p.websiteId, [p.from, p.to]),
    );
    const onlyPageviews = dim.name === 'page' ? " AND e.type = 'pageview'" : '';
    const rows = all<{ value: string | null; events: number; visitors: number }>({
      sql: `SELECT ${dim.sql} AS value, count(*) AS events, count(DISTINCT e.visitor_id) AS visitors
            ${e.sql}${onlyPageviews} AND ${dim.sql} IS NOT NULL
            GROUP BY value ORDER BY visitors DESC, events DESC, value LIMIT ? OFFSET ?`,
      params: [...e.params, limit, offset],
    });
    return rows;
  }

  function sessionBreakdown(
    p: ReportParams,
    dim: Dimension,
    range: Sql,
    limit: number,
    offset: number,
  ) {
    const c = col?.sessionBreakdown(p, dim, limit, offset);
    if (c) return shapeSessionRows(dim, c.rows, c.pv);
    const s = sessionWhere(p.websiteId, range, p.filters, [p.from, p.to]);
    const rows = all<{
      value: string | null;
      visitors: number;
      visits: number;
      bounces: number;
      ms: number;
    }>({
      sql: `SELECT ${dim.sql} AS value, count(DISTINCT s.visitor_id) AS visitors, count(*) AS visits,
              sum(s.pageviews <= 1) AS bounces, avg(s.ended_at - s.started_at) AS ms
            FROM sessions s WHERE ${s.sql}
            GROUP BY value ORDER BY visitors DESC, visits DESC, value LIMIT ? OFFSET ?`,
      params: [...s.params, limit, offset],
    });
    const pv =
      sessionPageviews(p, p.from, p.to, dim) ??
      (() => {
        const e = eventFrom(p.websiteId, range, p.filters, null, true);
        return new Map(
          all<{ value: string | null; n: number }>({
            sql: `SELECT ${dim.sql} AS value, count(*) AS n ${e.sql} AND e.type = 'pageview' GROUP BY value`,
            params: e.params,
          }).map((r) => [r.value, r.n]),
        );
      })();
    return shapeSessionRows(dim, rows, pv);
  }

  function shapeSessionRows(
    dim: Dimension,
    rows: { value: string | null; visitors: number; visits: number; bounces: number; ms: number }[],
    pv: Map<string | null, number>,
  ) {
    return {
      by: dim.name,
      results: rows.map((r) => ({
        value: r.value,
        visitors: r.visitors,
        visits: r.visits,
        pageviews: pv.get(r.value) ?? 0,
        bounceRate: r.visits ? round((100 * r.bounces) / r.visits, 1) : 0,
        visitDuration: r.visits ? Math.round(r.ms / 1000) : 0,
      })),
    };
  }

  function pageRows(p: ReportParams, limit: number, offset: number) {
    const range = between(p.from, p.to);
    const e = eventFrom(
      p.websiteId,
      range,
      p.filters,
      idMatchSpan(sqlite, p.websiteId, [p.from, p.to]),
    );
    const s = sessionWhere(p.websiteId, range, p.filters, [p.from, p.to]);
    const rows = all<PageRow>({
      sql: `WITH pv AS (SELECT e.path, count(*) AS views, count(DISTINCT e.visitor_id) AS visitors
                        ${e.sql} AND e.type = 'pageview' AND e.path IS NOT NULL GROUP BY e.path),
                 sc AS (SELECT e.path, avg(e.engaged_ms) AS engaged, avg(e.scroll_depth) AS depth
                        ${e.sql} AND e.type = 'scroll' GROUP BY e.path),
                 en AS (SELECT s.entry_path AS path, count(*) AS entries, sum(s.pageviews <= 1) AS bounces
                        FROM sessions s WHERE ${s.sql} GROUP BY s.entry_path)
            SELECT pv.path, pv.views, pv.visitors, en.entries, en.bounces, sc.engaged, sc.depth
            FROM pv LEFT JOIN sc ON sc.path = pv.path LEFT JOIN en ON en.path = pv.path
            ORDER BY pv.views DESC, pv.visitors DESC, pv.path LIMIT ? OFFSET ?`,
      params: [...e.params, ...e.params, ...s.params, limit, offset],
    });
    return rows;
  }

  function pages(p: ReportParams, limit: number, offset: number) {
    const rows = more?.pages(p, limit, offset) ?? pageRows(p, limit, offset);
    return {
      results: rows.map((r) => ({
        page: r.path,
        pageviews: r.views,
        visitors: r.visitors,
        entries: r.entries ?? 0,
        bounceRate: r.entries ? round((100 * (r.bounces ?? 0)) / r.entries, 1) : 0,
        timeOnPage: r.engaged === null ? null : Math.round(r.engaged / 1000),
        scrollDepth: r.depth === null ? null : Math.round(r.depth),
      })),
    };
  }

  const BOUNDS = DURATION_BOUNDS;

  /** The sessions report's figures from SQL (`SessionFigures`, as the column store gives them). */
  function sessionFigures(p: ReportParams): SessionFigures {
    const s = sessionWhere(p.websiteId, between(p.from, p.to), p.filters, [p.from, p.to]);
    // one pass over the sessions: totals and both distributions as conditional counts
    const d = 's.ended_at - s.started_at';
    const columns = [
      ...BOUNDS.map((max, i) => `sum(${d} < ${max}) AS d${i}`),
      ...PAGES.map((n, i) => `sum(s.pageviews = ${n}) AS p${i}`),
      'sum(s.pageviews BETWEEN 5 AND 9) AS p5',
      'sum(s.pageviews >= 10) AS p6',
    ];
    const t = one<Record<string, number | null>>({
      sql: `SELECT count(*) AS n, avg(${d}) AS ms, avg(s.pageviews) AS pv, ${columns.join(', ')}
            FROM sessions s WHERE ${s.sql}`,
      params: s.params,
    });
    // paths: the most common moves from one page to the next within the report's sessions. The
    // pageviews come from one scan of the events over the sessions' whole span, matched to the
    // sessions by id (an automatic index on the materialized list), not from a time-range scan
    // per session, which reads every other session's events of that window too.
    const paths = all<{ from: string; to: string | null; n: number }>({
      sql: `WITH ids AS MATERIALIZED (
              SELECT s.id, s.started_at AS lo, s.ended_at AS hi FROM sessions s WHERE ${s.sql}),
            v AS (
              SELECT e.path,
                lag(e.path) OVER (PARTITION BY e.session_id ORDER BY e.ts, e.rowid) AS prev
              FROM events e CROSS JOIN ids ON ids.id = e.session_id
              WHERE e.website_id = ? AND e.ts >= (SELECT min(lo) FROM ids)
                AND e.ts <= (SELECT max(hi) FROM ids) AND e.type = 'pageview'
                AND e.ts >= ids.lo AND e.ts <= ids.hi)
            SELECT prev AS "from", path AS "to", count(*) AS n FROM v
            WHERE prev IS NOT NULL GROUP BY prev, path ORDER BY n DESC, prev, path LIMIT 20`,
      params: [...s.params, p.websiteId],
    });
    return {
      n: t.n ?? 0,
      ms: t.ms ?? null,
      pv: t.pv ?? null,
      below: BOUNDS.map((_, i) => t[`d${i}`] ?? 0),
      pages: [0, 1, 2, 3, 4, 5, 6].map((i) => t[`p${i}`] ?? 0),
      paths: paths.map((r) => ({ from: r.from, to: r.to, sessions: r.n })),
    };
  }

  function sessionsReport(p: ReportParams) {
    const f = more?.sessionFigures(p) ?? sessionFigures(p);
    const { n, below } = f; // below: cumulative, shorter than each bound
    return {
      sessions: n,
      avgDuration: n ? Math.round((f.ms ?? 0) / 1000) : 0,
      avgPages: n ? round(f.pv ?? 0) : 0,
      durations: [...DURATIONS.map(([k]) => k), '30m+'].map((bucket, i) => ({
        bucket,
        sessions: (i < below.length ? below[i]! : n) - (i ? below[i - 1]! : 0),
      })),
      pagesPerSession: [...PAGES, '5-9', '10+'].map((bucket, i) => ({
        bucket,
        sessions: f.pages[i]!,
      })),
      paths: f.paths,
    };
  }

  return { overview, timeseries, breakdown, pages, sessions: sessionsReport, metrics };
}

export type Reports = ReturnType<typeof createReports>;
