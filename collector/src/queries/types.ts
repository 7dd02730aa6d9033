/** Shapes the read side answers with; shared by the stats reader and the routes. */

/** A time window in ms since the epoch: `from` inclusive, `to` exclusive; null = unbounded. */
export interface TimeRange {
  from: number | null;
  to: number | null;
}

/** Which websites a query covers: a list, or null for every website. */
export type WebsiteScope = readonly string[] | null;

export interface StatsCounters {
  pageviews: number;
  identify_events: number;
  custom_events: number;
  click_events: number;
  outbound_events: number;
  scroll_events: number;
  /** rrweb events recorded in the sessions of the range */
  rrweb_events: number;
  total_sessions: number;
  visitors: number;
  /** share of sessions with at most one pageview, 0–1 */
  bounce_rate: number;
  /** mean of ended_at − started_at over the sessions, ms */
  avg_duration_ms: number;
}

export interface DeviceInfo {
  type: string | null;
  browser: string | null;
  browserVersion: string | null;
  os: string | null;
  screen: string | null;
}

export interface UtmInfo {
  source: string | null;
  medium: string | null;
  campaign: string | null;
  term: string | null;
  content: string | null;
}

export interface ReplayInfo {
  chunks: number;
  events: number;
  bytes: number;
}

/** One session in listings. Times are ISO strings. */
export interface SessionSummary {
  id: string;
  websiteId: string;
  visitorId: string;
  userId: string | null;
  startedAt: string;
  endedAt: string;
  durationMs: number;
  pageviews: number;
  clicks: number;
  /** every tracked event of the session (pageviews, clicks, custom, …) */
  eventCount: number;
  entryPath: string | null;
  exitPath: string | null;
  hostname: string | null;
  referrer: string | null;
  source: string | null;
  utm: UtmInfo;
  device: DeviceInfo;
  country: string | null;
  language: string | null;
  cookieless: boolean;
  replay: ReplayInfo;
}

/** One event of a session. `timestamp` is ms since the epoch; props are spread in. */
export interface SessionEvent {
  [field: string]: unknown;
  id: string;
  type: string;
  timestamp: number;
  url: string | null;
}

export interface SessionDetail extends SessionSummary {
  /** the session's events in time order (at most `SESSION_EVENTS_LIMIT`) */
  events: SessionEvent[];
  /** true when the session has more events than were returned */
  eventsTruncated: boolean;
}

export interface SessionFilter {
  websites: WebsiteScope;
  visitorId?: string | undefined;
  userId?: string | undefined;
  range: TimeRange;
  hasReplay?: boolean | undefined;
  limit: number;
  /** keyset position: sessions strictly after this one in (startedAt desc, id desc, websiteId desc) */
  after?: SessionPosition | undefined;
}

export interface SessionPosition {
  startedAt: number;
  id: string;
  websiteId: string;
}

export interface SessionPage {
  sessions: SessionSummary[];
  /** position of the last session when more may follow */
  next: SessionPosition | null;
}
