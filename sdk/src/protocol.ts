/**
 * Wire types shared by the tracker and the collector (types only, no runtime code).
 * The collector validates every field; these types describe what a well-behaved tracker sends.
 * See SPEC §3.2. Fields marked "original" are the historical script.js contract.
 */

/** Immediate event types sent to `POST /collect`. */
export type CollectType = 'pageview' | 'identify' | 'custom';

/** Body of `POST /collect` (sent as `text/plain` JSON, or `application/json`). */
export interface CollectPayload {
  type: CollectType; // original
  websiteId: string; // original
  domain?: string; // original: location.hostname
  href: string; // original: full URL of the page
  referrer?: string | null; // original: document.referrer or null
  viewport?: { width: number; height: number }; // original
  visitorId?: string; // original; absent in cookieless mode
  sessionId?: string; // original; absent in cookieless mode
  /** Client event id (UUID); the collector ignores an id it already stored. */
  eventId?: string;
  /** Client time in ms since epoch. */
  timestamp?: number;
  title?: string;
  language?: string;
  /** `"1920x1080"`: screen size. */
  screen?: string;
  /** custom: event name and properties. */
  name?: string;
  props?: Record<string, unknown>;
  /** identify: user id and traits. */
  userId?: string;
  traits?: Record<string, unknown>;
  /** true when the tracker runs in cookieless mode (no stored ids). */
  cookieless?: boolean;
}

interface AnalyticsBase {
  /** Client event id (UUID). */
  eventId?: string;
  /** ms since epoch. */
  timestamp: number;
  /** page URL the event happened on (defaults to `metadata.url`). */
  url?: string;
}

/** A click (original shape: type, tag, id, class, text, x, y, timestamp). */
export interface ClickEvent extends AnalyticsBase {
  type: 'click';
  tag: string;
  id?: string;
  class?: string;
  /** visible text, trimmed, ≤ 100 chars, never an input's value */
  text?: string;
  /** short CSS selector */
  selector?: string;
  x: number;
  y: number;
  /** link target for clicks on `<a href>` */
  href?: string;
}

/** A click on a link to another host (sent in addition to the click). */
export interface OutboundEvent extends AnalyticsBase {
  type: 'outbound';
  href: string;
  text?: string;
}

/** End of a pageview: max scroll depth and visible (engaged) time. */
export interface ScrollEvent extends AnalyticsBase {
  type: 'scroll';
  /** maximum scroll depth reached, 0–100 (%) */
  depth: number;
  /** visible time on the pageview, ms */
  engagedMs: number;
}

/** Three or more clicks on the same spot within a second. */
export interface RageClickEvent extends AnalyticsBase {
  type: 'rageclick';
  selector?: string;
  tag?: string;
  text?: string;
  x: number;
  y: number;
  count: number;
}

/** A click on something that looks clickable and leads to no change. */
export interface DeadClickEvent extends AnalyticsBase {
  type: 'deadclick';
  selector?: string;
  tag?: string;
  text?: string;
  x: number;
  y: number;
}

/** An uncaught error or unhandled rejection in the page. */
export interface ErrorEvent extends AnalyticsBase {
  type: 'error';
  message: string;
  source?: string;
  line?: number;
  column?: number;
  stack?: string;
}

export type AnalyticsEvent =
  ClickEvent | OutboundEvent | ScrollEvent | RageClickEvent | DeadClickEvent | ErrorEvent;

/** Body of `POST /api/events` (batch; `text/plain` JSON or `application/json`). */
export interface BatchPayload {
  metadata: {
    /** original; absent in cookieless mode */
    sessionId?: string;
    /** original */
    url: string;
    /** original: `"1920x1080"` */
    screen?: string;
    /** original: ISO time the batch was sent */
    timestamp?: string;
    /** may be missing: the session's website is then the one its pageviews named */
    websiteId?: string;
    visitorId?: string;
    cookieless?: boolean;
  };
  /** at most 1000 per batch */
  analytics: AnalyticsEvent[];
  /** raw rrweb events (original shape) */
  replay?: unknown[];
  /** compressed rrweb events (see the replay docs) */
  replayChunks?: ReplayChunkPayload[];
}

/** A chunk of rrweb events, gzip-compressed and base64-encoded by the recorder. */
export interface ReplayChunkPayload {
  /** chunk id (UUID): unique across tabs and page loads; a retried chunk keeps it (idempotency) */
  id: string;
  /** sequence number within one recording page, from 0 (orders chunks with equal start times) */
  seq: number;
  /** `gzip+base64` or `json` */
  encoding: 'gzip+base64' | 'json';
  /** the encoded events: base64 text for gzip, a JSON array text for json */
  data: string;
  /** number of rrweb events inside */
  count: number;
  /** first and last event timestamp, ms */
  startTs: number;
  endTs: number;
  /** byte length of the uncompressed JSON array */
  rawBytes: number;
}
