/**
 * The two row sets every report is made of, as SQL:
 * - the **sessions** of a report: started in the range, matching the session filters, and (with
 *   event filters) holding at least one matching event;
 * - the **events** of a report: in the range, matching the event filters, of sessions matching
 *   the session filters (whenever those started).
 */
import type Database from 'better-sqlite3';
import { filterSql, type Filter } from './filters.js';
import type { Bucket } from './time.js';

export interface Sql {
  sql: string;
  params: unknown[];
}

function and(filters: Filter[]): Sql {
  const parts = filters.map(filterSql);
  return {
    sql: parts.map((p) => ` AND ${p.sql}`).join(''),
    params: parts.flatMap((p) => p.params),
  };
}

const byKind = (filters: Filter[], kind: 'session' | 'event') =>
  filters.filter((f) => f.dimension.kind === kind);

/** The AND-ed conditions of `filters` over `sessions s`, or null when one is an event filter. */
export function sessionFiltersOnly(filters: Filter[]): Sql | null {
  return filters.every((f) => f.dimension.kind === 'session') ? and(filters) : null;
}

/**
 * WHERE conditions over `sessions s` (the range is given as SQL so buckets can bind it). `span`
 * is [from, to) of the start times the range can hold (all buckets together): with event filters,
 * the sessions holding a matching event come from one scan of the events over the span's
 * sessions (from its first start to its last end), not from a scan of each session's time range,
 * which also reads every other session's events of that window.
 */
export function sessionWhere(
  websiteId: string,
  range: Sql,
  filters: Filter[],
  span: readonly [number, number],
): Sql {
  const s = and(byKind(filters, 'session'));
  const ev = byKind(filters, 'event');
  let holding = { sql: '', params: [] as unknown[] };
  if (ev.length) {
    const e = and(ev);
    const [from, to] = span;
    holding = {
      sql: ` AND s.id IN (SELECT e.session_id FROM events e WHERE e.website_id = ? AND e.ts >= ?
        AND e.ts <= (SELECT coalesce(max(s2.ended_at), 0) FROM sessions s2
          WHERE s2.website_id = ? AND s2.started_at >= ? AND s2.started_at < ?)${e.sql})`,
      params: [websiteId, from, websiteId, from, to, ...e.params],
    };
  }
  return {
    sql: `s.website_id = ? AND ${range.sql.replaceAll('$ts', 's.started_at')}${s.sql}${holding.sql}`,
    params: [websiteId, ...range.params, ...s.params, ...holding.params],
  };
}

/**
 * Time buckets as a table to join, `b` (`json_each` over `[label, start, end]` rows): use
 * {@link bucketRange} as the range and `b.value ->> 0` as the label. One query then counts every
 * bucket, each through the indexed time range.
 */
export function bucketTable(list: readonly Bucket[]): string {
  return JSON.stringify(list.map((b) => [b.key, b.start, b.end]));
}

/** The range of the bucket row `b`, over the placeholder column `$ts`. */
export const bucketRange: Sql = { sql: '$ts >= b.value ->> 1 AND $ts < b.value ->> 2', params: [] };

/** The label of the bucket row `b`. */
export const BUCKET_LABEL = 'b.value ->> 0';

/**
 * FROM … WHERE of events `e`; with `buckets` (from {@link bucketTable}) the bucket rows `b` come
 * first. When a session dimension is needed (`needSession`), the events are joined to their
 * session `s`. With session filters alone and an `idSpan` (see {@link idMatchSpan}), the events
 * are matched against the ids of the sessions that pass them, among those that can hold an event
 * of the span (started before its end, ended at or after its start: a session's events lie within
 * [started_at, ended_at]), an in-memory index SQLite builds once: one probe of that small index
 * per event instead of two searches of the sessions table (its `sessions_key`, then the table).
 * Without an `idSpan` they are joined too.
 */
export function eventFrom(
  websiteId: string,
  range: Sql,
  filters: Filter[],
  idSpan: Span | null,
  needSession = false,
  buckets?: string,
): Sql {
  const sf = byKind(filters, 'session');
  const e = and(byKind(filters, 'event'));
  const s = and(sf);
  let join = '';
  let sessionSql: Sql = { sql: '', params: [] };
  if (needSession || (sf.length && !idSpan)) {
    join = ' JOIN sessions s ON s.website_id = e.website_id AND s.id = e.session_id';
    sessionSql = s;
  } else if (sf.length && idSpan) {
    sessionSql = {
      sql: ` AND e.session_id IN (SELECT s.id FROM sessions s
        WHERE s.website_id = ? AND s.started_at < ? AND s.ended_at >= ?${s.sql})`,
      params: [websiteId, idSpan[1], idSpan[0], ...s.params],
    };
  }
  const head = buckets === undefined ? 'FROM events e' : 'FROM json_each(?) b JOIN events e';
  return {
    sql: `${head}${join} WHERE e.website_id = ? AND ${range.sql.replaceAll('$ts', 'e.ts')}${e.sql}${sessionSql.sql}`,
    params: [
      ...(buckets === undefined ? [] : [buckets]),
      websiteId,
      ...range.params,
      ...e.params,
      ...sessionSql.params,
    ],
  };
}

/** [from, to) in ms. */
export type Span = readonly [number, number];

/**
 * How long before a span a site's sessions may start for {@link eventFrom} to match events by
 * session id, as a multiple of the span's length. The candidate sessions are read from the site's
 * first session on (nothing orders sessions by their end), at ~0.12 µs each against ~1.3 µs per
 * event joined: with at most three spans of history before it, that read stays a small part of
 * the query; a short range on a long-lived site ("today" on two years) joins instead.
 */
const ID_MATCH_HISTORY = 3;

/** The first and last start of a site's sessions (two searches of the primary key), or null. */
export function sessionStarts(
  sqlite: Database.Database,
  websiteId: string,
): { first: number; last: number } | null {
  // two subqueries: each of min() and max() alone is one search of the primary key
  const r = sqlite
    .prepare(
      `SELECT (SELECT min(started_at) FROM sessions WHERE website_id = ?) AS first,
              (SELECT max(started_at) FROM sessions WHERE website_id = ?) AS last`,
    )
    .get(websiteId, websiteId) as { first: number | null; last: number | null };
  return r.first === null ? null : { first: r.first, last: r.last! };
}

/** `span` when events in it may be matched to filtered sessions by id, else null (join them). */
export function idMatchSpan(sqlite: Database.Database, websiteId: string, span: Span): Span | null {
  const starts = sessionStarts(sqlite, websiteId);
  return !starts || span[0] - starts.first <= ID_MATCH_HISTORY * (span[1] - span[0]) ? span : null;
}

/** A fixed range [from, to) as SQL over the placeholder column `$ts`. */
export const between = (from: number, to: number): Sql => ({
  sql: '$ts >= ? AND $ts < ?',
  params: [from, to],
});
