/** Session listing (keyset paging) and one session with its events (SQLite). */
import { and, asc, between, desc, eq, gt, gte, inArray, lt, lte, or, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { events, sessions, type SessionRow } from '../db/schema.js';
import type {
  SessionDetail,
  SessionEvent,
  SessionFilter,
  SessionPage,
  SessionSummary,
} from './types.js';

/** A session's events beyond this many are left out of `GET /sessions/:id` (flagged). */
export const SESSION_EVENTS_LIMIT = 5000;

const iso = (ms: number) => new Date(ms).toISOString();

export function toSummary(r: SessionRow): SessionSummary {
  return {
    id: r.id,
    websiteId: r.websiteId,
    visitorId: r.visitorId,
    userId: r.userId,
    startedAt: iso(r.startedAt),
    endedAt: iso(r.endedAt),
    durationMs: Math.max(0, r.endedAt - r.startedAt),
    pageviews: r.pageviews,
    clicks: r.clicks,
    eventCount: r.events,
    entryPath: r.entryPath,
    exitPath: r.exitPath,
    hostname: r.hostname,
    referrer: r.referrer,
    source: r.source,
    utm: {
      source: r.utmSource,
      medium: r.utmMedium,
      campaign: r.utmCampaign,
      term: r.utmTerm,
      content: r.utmContent,
    },
    device: {
      type: r.device,
      browser: r.browser,
      browserVersion: r.browserVersion,
      os: r.os,
      screen: r.screen,
    },
    country: r.country,
    language: r.language,
    cookieless: r.cookieless,
    replay: { chunks: r.replayChunks, events: r.replayEvents, bytes: r.replayBytes },
  };
}

/** Newest first by (started_at, id, website_id), the rows strictly after `f.after`. */
export function listSessions(db: Db, f: SessionFilter): SessionPage {
  if (f.websites !== null && f.websites.length === 0) return { sessions: [], next: null };
  const conditions: (SQL | undefined)[] = [
    f.websites === null ? undefined : inArray(sessions.websiteId, [...f.websites]),
    f.visitorId === undefined ? undefined : eq(sessions.visitorId, f.visitorId),
    f.userId === undefined ? undefined : eq(sessions.userId, f.userId),
    f.range.from === null ? undefined : gte(sessions.startedAt, f.range.from),
    f.range.to === null ? undefined : lt(sessions.startedAt, f.range.to),
    f.hasReplay === undefined
      ? undefined
      : f.hasReplay
        ? gt(sessions.replayEvents, 0)
        : eq(sessions.replayEvents, 0),
  ];
  if (f.after) {
    const a = f.after;
    conditions.push(
      // the plain bound lets SQLite stop the index range scan at the cursor (deep pages stay cheap)
      lte(sessions.startedAt, a.startedAt),
      or(
        lt(sessions.startedAt, a.startedAt),
        and(eq(sessions.startedAt, a.startedAt), lt(sessions.id, a.id)),
        and(
          eq(sessions.startedAt, a.startedAt),
          eq(sessions.id, a.id),
          lt(sessions.websiteId, a.websiteId),
        ),
      ),
    );
  }
  const rows = db
    .select()
    .from(sessions)
    .where(and(...conditions))
    .orderBy(desc(sessions.startedAt), desc(sessions.id), desc(sessions.websiteId))
    .limit(f.limit + 1)
    .all();
  const page = rows.slice(0, f.limit);
  const last = page[page.length - 1];
  const next =
    rows.length > f.limit && last
      ? { startedAt: last.startedAt, id: last.id, websiteId: last.websiteId }
      : null;
  return { sessions: page.map(toSummary), next };
}

/** Every stored session with this id (ids are unique per website, so usually one). */
export function findSessions(db: Db, id: string): SessionRow[] {
  return db
    .select()
    .from(sessions)
    .where(eq(sessions.id, id))
    .orderBy(asc(sessions.websiteId))
    .all();
}

/** A session with its events in time order. */
export function sessionDetail(db: Db, row: SessionRow): SessionDetail {
  const rows = db
    .select()
    .from(events)
    .where(
      and(
        eq(events.websiteId, row.websiteId),
        between(events.ts, row.startedAt, row.endedAt),
        eq(events.sessionId, row.id),
      ),
    )
    .orderBy(asc(events.ts), asc(events.id))
    .limit(SESSION_EVENTS_LIMIT + 1)
    .all();
  const list: SessionEvent[] = rows.slice(0, SESSION_EVENTS_LIMIT).map((e) => {
    // props first, so a client-chosen prop can never overwrite the typed fields
    const out: SessionEvent = {
      ...(e.props ?? {}),
      id: e.id,
      type: e.type,
      timestamp: e.ts,
      url: e.path,
    };
    if (e.name !== null) out.name = e.name;
    if (e.hostname !== null) out.hostname = e.hostname;
    if (e.title !== null) out.title = e.title;
    if (e.referrer !== null) out.referrer = e.referrer;
    if (e.scrollDepth !== null) out.scrollDepth = e.scrollDepth;
    if (e.engagedMs !== null) out.engagedMs = e.engagedMs;
    if (e.userId !== null) out.userId = e.userId;
    return out;
  });
  return { ...toSummary(row), events: list, eventsTruncated: rows.length > SESSION_EVENTS_LIMIT };
}
