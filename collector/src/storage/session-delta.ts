import type { SessionAttributes, WriteBatch } from './types.js';

/** What one flush adds to one session; turned into a single upsert at the end of the flush. */
export interface SessionDelta extends SessionAttributes {
  websiteId: string;
  id: string;
  visitorId: string;
  userId: string | null;
  startedAt: number;
  endedAt: number;
  pageviews: number;
  clicks: number;
  events: number;
  entryPath: string | null;
  entryTs: number;
  exitPath: string | null;
  exitTs: number;
  cookieless: number;
  replayEvents: number;
}

/** Counts of the events of one request that were actually inserted (duplicates excluded). */
export interface Inserted {
  startedAt: number;
  endedAt: number;
  pageviews: number;
  clicks: number;
  events: number;
  entryPath: string | null;
  entryTs: number;
  exitPath: string | null;
  exitTs: number;
  replayEvents: number;
}

export function newDelta(batch: WriteBatch, sessionId: string, ins: Inserted): SessionDelta {
  return {
    ...batch.attributes,
    websiteId: batch.websiteId,
    id: sessionId,
    visitorId: batch.visitorId,
    userId: batch.userId,
    cookieless: batch.cookieless ? 1 : 0,
    ...ins,
  };
}

const attributeKeys = [
  'hostname', 'referrer', 'source', 'utmSource', 'utmMedium', 'utmCampaign', 'utmTerm',
  'utmContent', 'browser', 'browserVersion', 'os', 'device', 'screen', 'language', 'country',
] as const satisfies readonly (keyof SessionAttributes)[];

/** Folds a later request of the same session (same flush) into its delta. */
export function mergeDelta(d: SessionDelta, batch: WriteBatch, ins: Inserted): void {
  d.startedAt = Math.min(d.startedAt, ins.startedAt);
  d.endedAt = Math.max(d.endedAt, ins.endedAt);
  d.pageviews += ins.pageviews;
  d.clicks += ins.clicks;
  d.events += ins.events;
  d.replayEvents += ins.replayEvents;
  if (batch.userId !== null) d.userId = batch.userId;
  if (ins.entryPath !== null && (d.entryPath === null || ins.entryTs < d.entryTs)) {
    d.entryPath = ins.entryPath;
    d.entryTs = ins.entryTs;
  }
  if (ins.exitPath !== null && (d.exitPath === null || ins.exitTs >= d.exitTs)) {
    d.exitPath = ins.exitPath;
    d.exitTs = ins.exitTs;
  }
  for (const k of attributeKeys) if (d[k] === null) d[k] = batch.attributes[k];
}
