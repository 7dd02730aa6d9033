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
  sessionWhere,
  type Sql,
} from './scope.js';
import { eventCounts } from './rollups.js';
import { buckets, type Bucket } from './time.js';

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

export function createReports(sqlite: Database.Database) {
  const all = <T>(q: Sql) => sqlite.prepare(q.sql).all(...q.params) as T[];
  const one = <T>(q: Sql) => sqlite.prepare(q.sql).get(...q.params) as T;
  const counts = eventCounts(sqlite);

  /**
   * Pageviews per bucket: from the hourly rollup when no filter applies (a filter needs the
   * events themselves), else counted over the filtered events.
   */
  function pageviews(p: ReportParams, list: readonly Bucket[]): Map<string, number> {
    if (p.filters.length === 0) {
      const perBucket = counts.perBucket(p.websiteId, list);
      return new Map(list.map((b) => [b.key, perBucket.get(b.key)!.get('pageview') ?? 0]));
    }
    const e = eventFrom(p.websiteId, bucketRange, p.filters, false, bucketTable(list));
    const rows = all<{ k: string; n: number }>({
      sql: `SELECT ${BUCKET_LABEL} AS k, count(*) AS n ${e.sql} AND e.type = 'pageview' GROUP BY k`,
      params: e.params,
    });
    return new Map(rows.map((r) => [r.k, r.n]));
  }

  function metrics(p: ReportParams, from: number, to: number): Metrics {
    const s = sessionWhere(p.websiteId, between(from, to), p.filters);
    const agg = one<{
      visits: number;
      visitors: number;
      bounces: number | null;
      ms: number | null;
    }>({
      sql: `SELECT count(*) AS visits, count(DISTINCT s.visitor_id) AS visitors,
              sum(s.pageviews <= 1) AS bounces, avg(s.ended_at - s.started_at) AS ms
            FROM sessions s WHERE ${s.sql}`,
      params: s.params,
    });
    const pv = { n: pageviews(p, [{ key: '', start: from, end: to }]).get('') ?? 0 };
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
    const table = bucketTable(list);
    const s = sessionWhere(p.websiteId, bucketRange, p.filters);
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
          bounceRate: r?.visits ? round((100 * r.bounces) / r.visits, 1) : 0,
          visitDuration: r?.visits ? Math.round(r.ms / 1000) : 0,
        };
      }),
    };
  }

  function breakdown(p: ReportParams, by: string, limit: number, offset: number) {
    const dim = dimension(by);
    const range = between(p.from, p.to);
    if (dim.kind === 'session') return sessionBreakdown(p, dim, range, limit, offset);
    const e = eventFrom(p.websiteId, range, p.filters);
    const onlyPageviews = dim.name === 'page' ? " AND e.type = 'pageview'" : '';
    const rows = all<{ value: string | null; events: number; visitors: number }>({
      sql: `SELECT ${dim.sql} AS value, count(*) AS events, count(DISTINCT e.visitor_id) AS visitors
            ${e.sql}${onlyPageviews} AND ${dim.sql} IS NOT NULL
            GROUP BY value ORDER BY visitors DESC, events DESC, value LIMIT ? OFFSET ?`,
      params: [...e.params, limit, offset],
    });
    return {
      by: dim.name,
      results: rows.map((r) =>
        dim.name === 'page'
          ? { value: r.value, visitors: r.visitors, pageviews: r.events }
          : { value: r.value, visitors: r.visitors, events: r.events },
      ),
    };
  }

  function sessionBreakdown(
    p: ReportParams,
    dim: Dimension,
    range: Sql,
    limit: number,
    offset: number,
  ) {
    const s = sessionWhere(p.websiteId, range, p.filters);
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
    const e = eventFrom(p.websiteId, range, p.filters, true);
    const pv = new Map(
      all<{ value: string | null; n: number }>({
        sql: `SELECT ${dim.sql} AS value, count(*) AS n ${e.sql} AND e.type = 'pageview' GROUP BY value`,
        params: e.params,
      }).map((r) => [r.value, r.n]),
    );
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

  function pages(p: ReportParams, limit: number, offset: number) {
    const range = between(p.from, p.to);
    const e = eventFrom(p.websiteId, range, p.filters);
    const s = sessionWhere(p.websiteId, range, p.filters);
    const rows = all<{
      path: string;
      views: number;
      visitors: number;
      entries: number | null;
      bounces: number | null;
      engaged: number | null;
      depth: number | null;
    }>({
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

  function sessionsReport(p: ReportParams) {
    const s = sessionWhere(p.websiteId, between(p.from, p.to), p.filters);
    const durations = all<{ bucket: string; n: number }>({
      sql: `SELECT CASE
              WHEN d < 10000 THEN '0-10s' WHEN d < 30000 THEN '10-30s' WHEN d < 60000 THEN '30-60s'
              WHEN d < 180000 THEN '1-3m' WHEN d < 600000 THEN '3-10m' WHEN d < 1800000 THEN '10-30m'
              ELSE '30m+' END AS bucket, count(*) AS n
            FROM (SELECT s.ended_at - s.started_at AS d FROM sessions s WHERE ${s.sql}) GROUP BY bucket`,
      params: s.params,
    });
    const pages = all<{ bucket: string; n: number }>({
      sql: `SELECT CASE WHEN s.pageviews >= 10 THEN '10+' WHEN s.pageviews >= 5 THEN '5-9'
              ELSE CAST(s.pageviews AS TEXT) END AS bucket, count(*) AS n
            FROM sessions s WHERE ${s.sql} GROUP BY bucket`,
      params: s.params,
    });
    const totals = one<{ n: number; ms: number | null; pv: number | null }>({
      sql: `SELECT count(*) AS n, avg(s.ended_at - s.started_at) AS ms, avg(s.pageviews) AS pv
            FROM sessions s WHERE ${s.sql}`,
      params: s.params,
    });
    // paths: the most common moves from one page to the next within the report's sessions
    const paths = all<{ from: string; to: string; n: number }>({
      sql: `WITH v AS (
              SELECT e.session_id, e.path,
                lag(e.path) OVER (PARTITION BY e.session_id ORDER BY e.ts, e.id) AS prev
              FROM sessions s JOIN events e ON e.website_id = s.website_id
                AND e.ts >= s.started_at AND e.ts <= s.ended_at AND e.session_id = s.id
              WHERE ${s.sql} AND e.type = 'pageview')
            SELECT prev AS "from", path AS "to", count(*) AS n FROM v
            WHERE prev IS NOT NULL GROUP BY prev, path ORDER BY n DESC, prev, path LIMIT 20`,
      params: s.params,
    });
    const order = (keys: string[], rows: { bucket: string; n: number }[]) =>
      keys.map((k) => ({ bucket: k, sessions: rows.find((r) => r.bucket === k)?.n ?? 0 }));
    return {
      sessions: totals.n,
      avgDuration: totals.n ? Math.round((totals.ms ?? 0) / 1000) : 0,
      avgPages: totals.n ? round(totals.pv ?? 0) : 0,
      durations: order(['0-10s', '10-30s', '30-60s', '1-3m', '3-10m', '10-30m', '30m+'], durations),
      pagesPerSession: order(['0', '1', '2', '3', '4', '5-9', '10+'], pages),
      paths: paths.map((r) => ({ from: r.from, to: r.to, sessions: r.n })),
    };
  }

  return { overview, timeseries, breakdown, pages, sessions: sessionsReport, metrics };
}

export type Reports = ReturnType<typeof createReports>;
