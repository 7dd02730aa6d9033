/** `/stats` counters over the events and sessions tables (SQLite). */
import { and, count, countDistinct, gte, inArray, lt, sql, sum, type SQL } from 'drizzle-orm';
import type Database from 'better-sqlite3';
import type { Db } from '../db/client.js';
import { eventCounts } from '../analytics/rollups.js';
import { sessions, websites as websitesTable } from '../db/schema.js';
import type { StatsCounters, TimeRange, WebsiteScope } from './types.js';

const eventCounters = {
  pageview: 'pageviews',
  identify: 'identify_events',
  custom: 'custom_events',
  click: 'click_events',
  outbound: 'outbound_events',
  scroll: 'scroll_events',
} as const satisfies Record<string, keyof StatsCounters>;

function sessionWhere(websites: WebsiteScope, range: TimeRange): SQL | undefined {
  return and(
    websites === null ? undefined : inArray(sessions.websiteId, [...websites]),
    range.from === null ? undefined : gte(sessions.startedAt, range.from),
    range.to === null ? undefined : lt(sessions.startedAt, range.to),
  );
}

/**
 * Counters for the websites in `websites` over `range`. Events are counted by their timestamp
 * (hourly rollup, edges from the PK index website_id, ts); sessions by their start (covering index
 * website_id, started_at, …).
 */
export function readStats(
  db: Db,
  sqlite: Database.Database,
  websites: WebsiteScope,
  range: TimeRange,
): StatsCounters {
  const out: StatsCounters = {
    pageviews: 0,
    identify_events: 0,
    custom_events: 0,
    click_events: 0,
    outbound_events: 0,
    scroll_events: 0,
    rrweb_events: 0,
    total_sessions: 0,
    visitors: 0,
    bounce_rate: 0,
    avg_duration_ms: 0,
  };
  if (websites !== null && websites.length === 0) return out;

  // event counts from the hourly rollup (exact; the ragged ends of the range from events)
  const counts = eventCounts(sqlite);
  const ids =
    websites ??
    db
      .select({ id: websitesTable.id })
      .from(websitesTable)
      .all()
      .map((w) => w.id);
  for (const id of ids) {
    const byType = counts.byType(
      id,
      range.from ?? Number.MIN_SAFE_INTEGER,
      range.to ?? Number.MAX_SAFE_INTEGER,
    );
    for (const [type, n] of byType) {
      const key = eventCounters[type as keyof typeof eventCounters];
      if (key) out[key] += n;
    }
  }

  const s = db
    .select({
      total: count(),
      visitors: countDistinct(sessions.visitorId),
      bounces: sum(sql`case when ${sessions.pageviews} <= 1 then 1 else 0 end`).mapWith(Number),
      duration: sum(sql`${sessions.endedAt} - ${sessions.startedAt}`).mapWith(Number),
      replay: sum(sessions.replayEvents).mapWith(Number),
    })
    .from(sessions)
    .where(sessionWhere(websites, range))
    .get();
  if (s && s.total > 0) {
    out.total_sessions = s.total;
    out.visitors = s.visitors;
    out.bounce_rate = round(s.bounces / s.total, 4);
    out.avg_duration_ms = Math.round(s.duration / s.total);
    out.rrweb_events = s.replay;
  }
  return out;
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
