/**
 * The generic query (`GET`/`POST /api/query`): events of one website in a range, grouped by time
 * buckets and any dimensions (custom properties included), with count / visitors / sessions and
 * sum / avg / min / max over numeric fields, filtered, sorted and limited. Everything a caller
 * names is checked against a whitelist or a strict pattern; values are bound, never spliced.
 */
import type Database from 'better-sqlite3';
import { ApiError } from '../http/errors.js';
import { dimension, type Dimension } from './dimensions.js';
import type { Filter } from './filters.js';
import {
  BUCKET_LABEL,
  between,
  bucketRange,
  bucketTable,
  eventFrom,
  idMatchSpan,
} from './scope.js';
import { sessionCounted } from './counted.js';
import { buckets, type Bucket, type Interval } from './time.js';
import type { ColumnQuery } from './columns/query.js';

export interface QuerySpec {
  websiteId: string;
  from: number;
  to: number;
  timezone: string;
  /** `hour`…`year` (a time bucket) or a dimension name */
  groupBy: string[];
  /** `count`, `visitors`, `sessions`, or `sum|avg|min|max:<numeric field>` */
  metrics: string[];
  filters: Filter[];
  /** output column names; `-name` sorts descending */
  sort: string[];
  limit: number;
}

const TIME: Interval[] = ['hour', 'day', 'week', 'month', 'year'];
const AGGREGATES = ['sum', 'avg', 'min', 'max'] as const;
const PROP_KEY = /^[A-Za-z0-9_.-]{1,64}$/;

/** A numeric field: `scroll_depth`, `engaged_ms` or `prop.<key>` (a number in the props). */
function numericSql(field: string, where: string): string {
  if (field === 'scroll_depth') return 'e.scroll_depth';
  if (field === 'engaged_ms') return 'e.engaged_ms';
  if (field.startsWith('prop.') && PROP_KEY.test(field.slice(5))) {
    return `(CASE WHEN json_type(e.props, '$."${field.slice(5)}"') IN ('integer', 'real')
             THEN json_extract(e.props, '$."${field.slice(5)}"') END)`;
  }
  throw new ApiError(
    'invalid_fields',
    `${where}: "${field}" is not a numeric field; use scroll_depth, engaged_ms or prop.<key>`,
  );
}

function metricSql(metric: string, i: number): string {
  if (metric === 'count') return 'count(*)';
  if (metric === 'visitors') return 'count(DISTINCT e.visitor_id)';
  if (metric === 'sessions') return 'count(DISTINCT e.session_id)';
  const [agg, field] = metric.split(':');
  if (AGGREGATES.includes(agg as (typeof AGGREGATES)[number]) && field)
    return `${agg}(${numericSql(field, `metrics.${i}`)})`;
  throw new ApiError(
    'invalid_fields',
    `metrics.${i}: "${metric}" is not a metric; use count, visitors, sessions or sum|avg|min|max:<field>`,
  );
}

/** The metrics `sessionCounted` answers, over its rows `u`. */
const COUNTED: Record<string, string> = {
  count: 'coalesce(sum(u.n), 0)', // count(*) of no events is 0, not NULL
  visitors: 'count(DISTINCT u.v)',
  sessions: 'count(DISTINCT u.sid)',
};

/** Runs a query: from the column store when it applies (`columns/query.ts`), else in SQL. */
export function runQuery(
  sqlite: Database.Database,
  q: QuerySpec,
  fromColumns: ((q: ColumnQuery) => unknown[][] | null) | null = null,
) {
  if (q.metrics.length === 0) q.metrics = ['count'];
  if (q.groupBy.length > 5) throw new ApiError('invalid_fields', 'groupBy: at most 5');
  if (q.metrics.length > 10) throw new ApiError('invalid_fields', 'metrics: at most 10');
  const times = q.groupBy.filter((g) => TIME.includes(g as Interval));
  if (times.length > 1) throw new ApiError('invalid_fields', 'groupBy: at most one time bucket');
  const interval = times[0] as Interval | undefined;
  if (interval === 'hour' && q.to - q.from > 93 * 86_400_000)
    throw new ApiError('invalid_fields', 'groupBy: hour buckets cover at most 93 days');
  const dims: Dimension[] = q.groupBy
    .filter((g) => !TIME.includes(g as Interval))
    .map((g, i) => dimension(g, `groupBy.${i}`));
  const needSession = dims.some((d) => d.kind === 'session');

  const columns: string[] = [];
  const aliases: string[] = [];
  const select: string[] = [];
  const group: string[] = [];
  let table: string | undefined;
  let range = between(q.from, q.to);
  let span: readonly [number, number] = [q.from, q.to];
  let list: Bucket[] = [{ key: '', start: q.from, end: q.to }];
  if (interval) {
    list = buckets(q.timezone, q.from, q.to, interval);
    table = bucketTable(list);
    span = [list[0]?.start ?? q.from, list.at(-1)?.end ?? q.to];
    range = bucketRange;
    select.push(`${BUCKET_LABEL} AS "${interval}"`);
    group.push(`"${interval}"`);
    columns.push(interval);
    aliases.push(`"${interval}"`);
  }
  dims.forEach((d, i) => {
    select.push(`${d.sql} AS g${i}`);
    group.push(`g${i}`);
    columns.push(d.name);
    aliases.push(`g${i}`);
  });
  q.metrics.forEach((m, i) => {
    select.push(`${metricSql(m, i)} AS m${i}`);
    columns.push(m);
    aliases.push(`m${i}`);
  });
  const alias = (name: string) => {
    const i = columns.indexOf(name);
    if (i < 0)
      throw new ApiError(
        'invalid_fields',
        `sort: "${name}" is not a column; use one of ${columns.join(', ')}`,
      );
    return aliases[i]!;
  };
  const sorts = q.sort.length ? q.sort : interval ? [interval] : [`-${q.metrics[0]}`];
  const order = sorts.map((s) =>
    s.startsWith('-') ? `${alias(s.slice(1))} DESC` : `${alias(s)} ASC`,
  );
  const shape = (rows: unknown[][]) => ({
    columns,
    rows: rows.map((r) => Object.fromEntries(columns.map((c, i) => [c, r[i] ?? null]))),
  });
  const viaColumns = fromColumns?.({
    websiteId: q.websiteId,
    from: q.from,
    to: q.to,
    timezone: q.timezone,
    filters: q.filters,
    list,
    interval: interval !== undefined,
    dims,
    metrics: q.metrics,
    order: sorts.map((s) => {
      const desc = s.startsWith('-');
      return { column: columns.indexOf(desc ? s.slice(1) : s), desc };
    }),
    limit: q.limit,
  });
  if (viaColumns) return shape(viaColumns);
  // counters only where the events are of known sessions anyway (a session filter or dimension):
  // otherwise an event whose session is not stored (raw writes) still counts
  const counted =
    q.metrics.every((m) => m in COUNTED) &&
    (needSession || q.filters.some((f) => f.dimension.kind === 'session'))
      ? sessionCounted(sqlite, q.websiteId, q.filters, dims, list, 'events')
      : null;
  if (counted) {
    // the same columns, from the per-session rows (`u`) instead of the events
    let at = 0;
    if (interval) select[at++] = `u.k AS "${interval}"`;
    dims.forEach((_, i) => (select[at++] = `u.g${i} AS g${i}`));
    q.metrics.forEach((m, i) => (select[at++] = `${COUNTED[m]} AS m${i}`));
  }
  const from =
    counted ??
    eventFrom(
      q.websiteId,
      range,
      q.filters,
      idMatchSpan(sqlite, q.websiteId, span),
      needSession,
      table,
    );
  const sql = `SELECT ${select.join(', ')} ${from.sql}${group.length ? ` GROUP BY ${group.join(', ')}` : ''}
    ORDER BY ${[...order, ...group].join(', ')} LIMIT ?`;
  const rows = sqlite
    .prepare(sql)
    .raw()
    .all(...from.params, q.limit) as unknown[][];
  return shape(rows);
}
