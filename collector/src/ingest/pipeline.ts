import type { AppContext } from '../context.js';
import { ApiError } from '../http/errors.js';
import { RateLimiter } from '../http/rate-limit.js';
import type { EventBus } from '../realtime/bus.js';
import type { ColumnStore } from '../analytics/columns/store.js';
import { prepareReplayChunks } from '../replay/decode.js';
import type { ReplayStoreResult } from '../replay/store.js';
import { createSqliteEventWriter } from '../storage/sqlite-writer.js';
import type { EventRecord, EventWriter, SessionAttributes } from '../storage/types.js';
import { analyticsRecord, derivedEventId, propsJson } from './event-records.js';
import {
  languageOf,
  parsePageUrl,
  pickTimestamp,
  sessionOrigin,
  screenOf,
  utcDay,
  type PageUrl,
} from './normalize.js';
import type { BatchBody, CollectBody } from './schema.js';
import { createUserAgentParser, type UserAgentInfo } from './user-agent.js';
import { createVisitorHasher } from './visitor-hash.js';
import { originAllowed, websiteCacheFor } from './websites.js';

/** What the HTTP layer knows about the request, beyond the body. */
export interface RequestInfo {
  userAgent: string;
  /** the client IP, asked only for the cookieless hash (never stored) */
  ip: () => string;
  acceptLanguage: string | undefined;
  /** from a trusted proxy header, else null */
  country: string | null;
  /** the `Origin` header: set by browsers, absent for server-side senders */
  origin: string | undefined;
}

/** A browser page on a domain the website does not allow: 403, and no CORS grant. */
export class OriginRefused extends ApiError {
  constructor(message: string) {
    super('forbidden', message);
  }
}

/** The answer to an ingest request (`202 {"ok":true,"accepted","duplicates"}`). */
export interface IngestResult {
  accepted: number;
  duplicates: number;
  /** the batch's replay chunks: stored, or capped (with the error to report) */
  replay?: ReplayStoreResult | null;
  /** analytics events the request carried */
  events?: number;
}

export type PipelineDeps = Pick<AppContext, 'database' | 'now' | 'randomId' | 'limits'> & {
  /** told each flush's committed event rows (appended at once instead of read back) */
  columns?: Pick<ColumnStore, 'accept' | 'accepting'>;
  /** told about committed events (the live stream) */
  bus?: EventBus;
  /** defaults to the SQLite writer over `database` */
  writer?: EventWriter;
};

/**
 * Ingest after parsing: website check, bot filter, enrichment, identity, then the writer.
 * Resolves only once the events are committed. One per app (created by the ingest routes).
 */
export function createIngestPipeline(deps: PipelineDeps) {
  const { database, now, limits } = deps;
  const writer =
    deps.writer ??
    createSqliteEventWriter(database.sqlite, {
      now,
      replayCaps: limits,
      committed: deps.columns ? (rows) => deps.columns!.accept(rows) : undefined,
      wantsCommitted: () => deps.columns!.accepting,
    });
  const websites = websiteCacheFor(database, now);
  const perWebsite = new RateLimiter(limits.ingestPerWebsite);
  const parseUa = createUserAgentParser();
  const visitorHash = createVisitorHasher(database.sqlite);
  const sessionOwner = database.sqlite.prepare<[string], { websiteId: string; visitorId: string }>(
    'SELECT website_id AS websiteId, visitor_id AS visitorId FROM sessions WHERE id = ? LIMIT 1',
  );

  function live(websiteId: string, sessionId: string, events: readonly EventRecord[]): void {
    if (!deps.bus?.size) return; // nobody listening: no copies on the hot path
    deps.bus.publish(
      websiteId,
      events.map((e) => ({
        websiteId,
        type: e.type,
        name: e.name,
        path: e.path,
        ts: e.ts,
        sessionId,
      })),
    );
  }

  /** The website must exist, accept this origin, and be under its rate limit. */
  function requireWebsite(id: string, req: RequestInfo): void {
    const site = websites.get(id);
    if (!site)
      throw new ApiError('unknown_website', `website ${id} is unknown; nothing was stored`);
    if (!originAllowed(site, req.origin))
      throw new OriginRefused(`origin ${req.origin} may not send events for website ${id}`);
    const wait = perWebsite.take(id, now());
    if (wait > 0) {
      throw new ApiError('rate_limited', `too many events for website ${id}; retry later`, {
        'Retry-After': String(wait),
      });
    }
  }

  async function dropBot(
    websiteId: string,
    ua: UserAgentInfo,
    t: number,
  ): Promise<IngestResult | null> {
    if (!ua.bot) return null;
    await writer.countBotDrop({ websiteId, day: utcDay(t), reason: ua.bot });
    return { accepted: 0, duplicates: 0 };
  }

  function attributes(
    page: PageUrl,
    ua: UserAgentInfo,
    req: RequestInfo,
    extra: Pick<SessionAttributes, 'referrer' | 'source' | 'screen' | 'language'>,
  ): SessionAttributes {
    return {
      hostname: page.hostname,
      utmSource: page.utmSource,
      utmMedium: page.utmMedium,
      utmCampaign: page.utmCampaign,
      utmTerm: page.utmTerm,
      utmContent: page.utmContent,
      browser: ua.browser,
      browserVersion: ua.browserVersion,
      os: ua.os,
      device: ua.device,
      country: req.country,
      ...extra,
    };
  }

  /** `POST /collect`: one pageview, custom event or identify. */
  async function collect(body: CollectBody, req: RequestInfo): Promise<IngestResult> {
    requireWebsite(body.websiteId, req);
    const t = now();
    const ua = parseUa(req.userAgent);
    const dropped = await dropBot(body.websiteId, ua, t);
    if (dropped) return dropped;
    const page = parsePageUrl(body.href);
    if (!page) throw new ApiError('invalid_fields', 'href: not an absolute URL');
    const referrer = body.referrer || null;
    const event: EventRecord = {
      id: body.eventId ?? deps.randomId(),
      ts: pickTimestamp(body.timestamp ?? undefined, t),
      type: body.type,
      name: null,
      path: page.path,
      hostname: page.hostname,
      title: body.title ?? null,
      referrer: body.type === 'pageview' ? referrer : null,
      scrollDepth: null,
      engagedMs: null,
      props: null,
      userId: null,
    };
    if (body.type === 'custom') {
      event.name = body.name;
      event.props = propsJson(body.props, 'props', limits.propsBytes);
    } else if (body.type === 'identify') {
      event.userId = body.userId;
      event.props = propsJson(body.traits, 'traits', limits.propsBytes);
    }
    const origin = sessionOrigin(referrer, page.hostname, page.utmSource);
    const r = await writer.write({
      websiteId: body.websiteId,
      sessionId: body.sessionId ?? null,
      visitorId: body.visitorId ?? visitorHash(body.websiteId, req.ip(), req.userAgent, t),
      cookieless: body.cookieless ?? !body.visitorId,
      userId: event.userId,
      attributes: attributes(page, ua, req, {
        referrer: origin.referrer,
        source: origin.source,
        screen: screenOf(body.screen ?? undefined, body.viewport ?? undefined),
        language: languageOf(body.language ?? undefined, req.acceptLanguage),
      }),
      events: [event],
      replayChunks: [],
    });
    if (r.accepted) live(body.websiteId, r.sessionId, [event]);
    return { accepted: r.accepted, duplicates: r.duplicates };
  }

  /** `POST /api/events`: a batch of analytics events (and rrweb events) of one session. */
  async function batch(body: BatchBody, req: RequestInfo): Promise<IngestResult> {
    const m = body.metadata;
    const owner =
      m.sessionId && (!m.websiteId || !m.visitorId) ? sessionOwner.get(m.sessionId) : undefined;
    let websiteId = m.websiteId;
    if (!websiteId) {
      if (!m.sessionId)
        throw new ApiError(
          'bad_request',
          'metadata.websiteId is missing and there is no metadata.sessionId to attribute the batch by',
        );
      if (!owner)
        throw new ApiError(
          'bad_request',
          `metadata.websiteId is missing and session ${m.sessionId} is unknown; send websiteId or a pageview first`,
        );
      websiteId = owner.websiteId;
    }
    requireWebsite(websiteId, req);
    const t = now();
    const ua = parseUa(req.userAgent);
    const dropped = await dropBot(websiteId, ua, t);
    if (dropped) return dropped;
    const page = parsePageUrl(m.url);
    if (!page) throw new ApiError('invalid_fields', 'metadata.url: not an absolute URL');
    // Decoded before the write: a bad chunk rejects the request with nothing stored.
    const replayChunks = prepareReplayChunks(
      { replay: body.replay, replayChunks: body.replayChunks },
      limits,
    );
    const visitorId =
      m.visitorId ??
      (owner?.websiteId === websiteId
        ? owner.visitorId
        : visitorHash(websiteId, req.ip(), req.userAgent, t));
    const idOwner = `${websiteId}\n${m.sessionId ?? visitorId}`;
    let lastUrl = m.url;
    let lastPage = page;
    const events = body.analytics.map((e, i) => {
      if (e.url && e.url !== lastUrl) {
        const p = parsePageUrl(e.url);
        if (!p) throw new ApiError('invalid_fields', `analytics.${i}.url: not an absolute URL`);
        lastUrl = e.url;
        lastPage = p;
      } else if (!e.url && lastUrl !== m.url) {
        lastUrl = m.url;
        lastPage = page;
      }
      return analyticsRecord(
        e,
        lastPage,
        pickTimestamp(e.timestamp, t),
        e.eventId ?? derivedEventId(idOwner, e),
      );
    });
    const r = await writer.write({
      websiteId,
      sessionId: m.sessionId ?? null,
      visitorId,
      cookieless: m.cookieless ?? (!m.visitorId && !m.sessionId),
      userId: null,
      attributes: attributes(page, ua, req, {
        referrer: null,
        source: null,
        screen: screenOf(m.screen ?? undefined, undefined),
        language: languageOf(m.language ?? undefined, req.acceptLanguage),
      }),
      events,
      replayChunks,
    });
    if (r.accepted) live(websiteId, r.sessionId, events);
    return {
      accepted: r.accepted,
      duplicates: r.duplicates,
      replay: r.replay,
      events: events.length,
    };
  }

  return { collect, batch, writer };
}

export type IngestPipeline = ReturnType<typeof createIngestPipeline>;
