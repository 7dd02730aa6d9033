/**
 * Event counts from the hourly rollup (`event_rollups`, kept at ingest): the whole UTC hours of a
 * range come from the rollup, the ragged edges (a range or a bucket that starts or ends inside an
 * hour: `period=24h`, half- and quarter-hour zones) from the events themselves. The sum is exact:
 * the rollup holds exactly the counts of the stored events.
 */
import type Database from 'better-sqlite3';
import type { Bucket } from './time.js';

const HOUR = 3_600_000;

/** Counts per bucket key and event type. */
export type TypeCounts = Map<string, Map<string, number>>;

interface Pieces {
  /** whole hours [from, to) read from the rollup; from === to when none */
  hours: [number, number];
  /** parts of the range read from events */
  edges: [number, number][];
}

/** Splits [from, to) into the whole UTC hours inside it and the (at most two) pieces around them. */
export function pieces(from: number, to: number): Pieces {
  const first = Math.ceil(from / HOUR) * HOUR;
  const last = Math.floor(to / HOUR) * HOUR;
  if (first >= last) return { hours: [from, from], edges: from < to ? [[from, to]] : [] };
  const edges: [number, number][] = [];
  if (from < first) edges.push([from, first]);
  if (last < to) edges.push([last, to]);
  return { hours: [first, last], edges };
}

/** The piece whose whole hours hold `hour` (binary search over pieces in time order). */
function bucketOf<T extends Pieces>(list: readonly T[], hour: number): T | undefined {
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = list[mid]!;
    if (hour < s.hours[0]) hi = mid - 1;
    else if (hour >= s.hours[1]) lo = mid + 1;
    else return s;
  }
  return undefined;
}

const cache = new WeakMap<Database.Database, EventCounts>();

/** The event counts of a connection (statements prepared once per connection). */
export function eventCounts(sqlite: Database.Database): EventCounts {
  let c = cache.get(sqlite);
  if (!c) cache.set(sqlite, (c = createEventCounts(sqlite)));
  return c;
}

function createEventCounts(sqlite: Database.Database) {
  const edgeCounts = sqlite.prepare<[string, string], { k: string; type: string; n: number }>(
    `SELECT b.value ->> 0 AS k, e.type, count(*) AS n
     FROM json_each(?) b JOIN events e ON e.website_id = ? AND e.ts >= b.value ->> 1
       AND e.ts < b.value ->> 2
     GROUP BY k, e.type`,
  );
  const hourCounts = sqlite.prepare<
    [string, number, number],
    { hour: number; type: string; n: number }
  >(
    `SELECT hour, type, sum(events) AS n FROM event_rollups
     WHERE website_id = ? AND hour >= ? AND hour < ? GROUP BY hour, type`,
  );

  /** Events per bucket and type of one website (buckets may be any ranges, e.g. time zone days). */
  function perBucket(websiteId: string, buckets: readonly Bucket[]): TypeCounts {
    const out: TypeCounts = new Map(buckets.map((b) => [b.key, new Map<string, number>()]));
    const add = (key: string, type: string, n: number) => {
      const m = out.get(key)!;
      m.set(type, (m.get(type) ?? 0) + n);
    };
    const split = buckets.map((b) => ({ key: b.key, ...pieces(b.start, b.end) }));
    const edges = split.flatMap((s) => s.edges.map(([a, z]) => [s.key, a, z]));
    if (edges.length) {
      for (const r of edgeCounts.all(JSON.stringify(edges), websiteId)) add(r.k, r.type, r.n);
    }
    // buckets are in time order and disjoint: each rollup row belongs to at most one
    const withHours = split.filter((s) => s.hours[0] < s.hours[1]);
    if (withHours.length) {
      const lo = withHours[0]!.hours[0];
      const hi = withHours[withHours.length - 1]!.hours[1];
      for (const r of hourCounts.all(websiteId, lo, hi)) {
        const s = bucketOf(withHours, r.hour);
        if (s) add(s.key, r.type, r.n);
      }
    }
    return out;
  }

  /** Events per type of one website in [from, to). */
  function byType(websiteId: string, from: number, to: number): Map<string, number> {
    return perBucket(websiteId, [{ key: '', start: from, end: to }]).get('')!;
  }

  return { perBucket, byType };
}

export type EventCounts = ReturnType<typeof createEventCounts>;
