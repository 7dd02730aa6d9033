/**
 * Event counts under session filters alone without reading the events of most sessions. A
 * session wholly inside one time bucket brings its counter (`events` or `pageviews`: the writer
 * counts each event it inserts, deleting a raw event takes it off); only the sessions that a
 * bucket boundary or the range's ends cut have their events read, over the merged windows of
 * time they cover (a session's events lie within [started_at, ended_at]).
 */
import type Database from 'better-sqlite3';
import type { Dimension } from './dimensions.js';
import type { Filter } from './filters.js';
import { idMatchSpan, sessionFiltersOnly, type Sql } from './scope.js';
import type { Bucket } from './time.js';

/**
 * FROM of rows `u` — bucket label `k`, the dimensions' values `g0…`, visitor `v`, session `sid`
 * and a count `n` — whose `sum(u.n)` per group is the number of events (or pageviews) of the
 * group in the buckets, and whose distinct `v` and `sid` are its visitors and sessions (a session
 * counted from its counter has at least one of the counted events). Null where it does not
 * apply: an event filter, a dimension of the events, no bucket, or a site whose history before
 * the buckets is too long to read its sessions from the first (see `idMatchSpan`).
 */
export function sessionCounted(
  sqlite: Database.Database,
  websiteId: string,
  filters: Filter[],
  dims: readonly Dimension[],
  list: readonly Bucket[],
  what: 'events' | 'pageviews',
): Sql | null {
  const sf = sessionFiltersOnly(filters);
  const span = [list[0]?.start ?? 0, list.at(-1)?.end ?? 0] as const;
  if (
    !sf ||
    dims.some((d) => d.kind !== 'session') ||
    span[0] >= span[1] ||
    !idMatchSpan(sqlite, websiteId, span)
  )
    return null;
  const bucketJson = JSON.stringify(list.map((b) => [b.key, b.start, b.end]));
  // the cut sessions: started in a bucket and ended at or after its end, or started before the
  // first bucket and ended in or after it (CROSS JOIN keeps the buckets outside: each one a
  // range of the primary key)
  const cut = sqlite
    .prepare(
      `SELECT s.id, s.started_at AS lo, s.ended_at AS hi
       FROM json_each(?) b CROSS JOIN sessions s ON s.website_id = ?
         AND s.started_at >= b.value ->> 1 AND s.started_at < b.value ->> 2
         AND s.ended_at >= b.value ->> 2
       WHERE 1${sf.sql}
       UNION ALL
       SELECT s.id, s.started_at, s.ended_at FROM sessions s
       WHERE s.website_id = ? AND s.started_at < ? AND s.ended_at >= ?${sf.sql}`,
    )
    .all(bucketJson, websiteId, ...sf.params, websiteId, span[0], span[0], ...sf.params) as {
    id: string;
    lo: number;
    hi: number;
  }[];
  // the windows of time the cut sessions cover within the buckets, merged
  const spans = cut
    .map((c) => [Math.max(c.lo, span[0]), Math.min(c.hi + 1, span[1])] as [number, number])
    .sort((a, b) => a[0] - b[0]);
  const windows: [number, number][] = [];
  for (const [a, b] of spans) {
    const last = windows.at(-1);
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else windows.push([a, b]);
  }
  const g = dims.map((d, i) => `, ${d.sql} AS g${i}`).join('');
  const counter = what === 'events' ? 's.events' : 's.pageviews';
  const type = what === 'events' ? '' : " AND e.type = 'pageview'";
  return {
    sql: `FROM (
        SELECT b.value ->> 0 AS k${g}, s.visitor_id AS v, s.id AS sid, ${counter} AS n
        FROM json_each(?) b CROSS JOIN sessions s ON s.website_id = ?
          AND s.started_at >= b.value ->> 1 AND s.started_at < b.value ->> 2
          AND s.ended_at < b.value ->> 2
        WHERE ${counter} > 0${sf.sql}
        UNION ALL
        SELECT b.value ->> 0${g}, e.visitor_id, e.session_id, 1
        FROM json_each(?) w CROSS JOIN events e ON e.website_id = ?
          AND e.ts >= w.value ->> 0 AND e.ts < w.value ->> 1
        JOIN json_each(?) b ON e.ts >= b.value ->> 1 AND e.ts < b.value ->> 2
        JOIN sessions s ON s.website_id = e.website_id AND s.id = e.session_id
        WHERE e.session_id IN (SELECT value FROM json_each(?))${type}
      ) u`,
    params: [
      bucketJson,
      websiteId,
      ...sf.params,
      JSON.stringify(windows),
      websiteId,
      bucketJson,
      JSON.stringify(cut.map((c) => c.id)),
    ],
  };
}
