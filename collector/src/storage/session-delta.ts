import type { Attributes, SessionParams, TouchParams } from './sqlite-statements.js';
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
  replayChunks: number;
  replayBytes: number;
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
  replayChunks: number;
  replayBytes: number;
}

export function newDelta(b: WriteBatch, sessionId: string, ins: Inserted): SessionDelta {
  const a = b.attributes;
  // Spelled out (no spreads): this runs once per request on the hot path.
  return {
    websiteId: b.websiteId,
    id: sessionId,
    visitorId: b.visitorId,
    userId: b.userId,
    cookieless: b.cookieless ? 1 : 0,
    startedAt: ins.startedAt,
    endedAt: ins.endedAt,
    pageviews: ins.pageviews,
    clicks: ins.clicks,
    events: ins.events,
    entryPath: ins.entryPath,
    entryTs: ins.entryTs,
    exitPath: ins.exitPath,
    exitTs: ins.exitTs,
    replayEvents: ins.replayEvents,
    replayChunks: ins.replayChunks,
    replayBytes: ins.replayBytes,
    hostname: a.hostname,
    referrer: a.referrer,
    source: a.source,
    utmSource: a.utmSource,
    utmMedium: a.utmMedium,
    utmCampaign: a.utmCampaign,
    utmTerm: a.utmTerm,
    utmContent: a.utmContent,
    browser: a.browser,
    browserVersion: a.browserVersion,
    os: a.os,
    device: a.device,
    screen: a.screen,
    language: a.language,
    country: a.country,
  };
}

/** The positional parameters of the session upsert (see `sqlite-statements.ts`). */
export function sessionParams(d: SessionDelta): SessionParams {
  return [
    d.websiteId,
    d.id,
    d.visitorId,
    d.userId,
    d.startedAt,
    d.endedAt,
    d.pageviews,
    d.clicks,
    d.events,
    d.entryPath,
    d.exitPath,
    ...attributeValues(d),
    d.cookieless,
    d.replayEvents,
    d.replayChunks,
    d.replayBytes,
    d.entryTs,
    d.exitTs,
  ];
}

/** The positional parameters of the session touch (see `sqlite-statements.ts`). */
export function touchParams(d: SessionDelta): TouchParams {
  return [
    d.userId,
    d.endedAt,
    d.pageviews,
    d.clicks,
    d.events,
    d.entryPath,
    d.exitPath,
    d.exitTs,
    d.exitPath,
    ...attributeValues(d),
    d.replayEvents,
    d.replayChunks,
    d.replayBytes,
    d.websiteId,
    d.id,
    d.startedAt,
  ];
}

const attributeKeys = [
  'hostname',
  'referrer',
  'source',
  'utmSource',
  'utmMedium',
  'utmCampaign',
  'utmTerm',
  'utmContent',
  'browser',
  'browserVersion',
  'os',
  'device',
  'screen',
  'language',
  'country',
] as const satisfies readonly (keyof SessionAttributes)[];

/** The 15 descriptive columns' values, in table order (both statements bind them so). */
function attributeValues(d: SessionDelta): Attributes {
  return attributeKeys.map((k) => d[k]) as Attributes;
}

/** Folds a later request of the same session (same flush) into its delta. */
export function mergeDelta(d: SessionDelta, batch: WriteBatch, ins: Inserted): void {
  d.startedAt = Math.min(d.startedAt, ins.startedAt);
  d.endedAt = Math.max(d.endedAt, ins.endedAt);
  d.pageviews += ins.pageviews;
  d.clicks += ins.clicks;
  d.events += ins.events;
  d.replayEvents += ins.replayEvents;
  d.replayChunks += ins.replayChunks;
  d.replayBytes += ins.replayBytes;
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
