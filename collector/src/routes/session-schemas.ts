/** OpenAPI schemas of the session read API. */
import { z } from '@hono/zod-openapi';

const n = z.number().int().nonnegative();
const s = z.string().nullable();

export const SessionSummarySchema = z
  .object({
    id: z.string(),
    websiteId: z.string(),
    visitorId: z.string(),
    userId: s,
    startedAt: z
      .string()
      .openapi({ description: 'ISO time of the first event', example: '2024-01-01T00:00:00.000Z' }),
    endedAt: z.string().openapi({ description: 'ISO time of the last event' }),
    durationMs: n,
    pageviews: n,
    clicks: n,
    eventCount: n.openapi({ description: 'every tracked event of the session' }),
    entryPath: s,
    exitPath: s,
    hostname: s,
    referrer: s,
    source: s.openapi({
      description: 'referrer host or utm_source, normalised ("google", "direct", …)',
    }),
    utm: z.object({ source: s, medium: s, campaign: s, term: s, content: s }),
    device: z.object({
      type: s.openapi({ description: 'desktop | mobile | tablet | …' }),
      browser: s,
      browserVersion: s,
      os: s,
      screen: s.openapi({ example: '1920x1080' }),
    }),
    country: s,
    language: s,
    cookieless: z.boolean(),
    replay: z.object({ chunks: n, events: n, bytes: n }),
  })
  .openapi('SessionSummary');

export const SessionEventSchema = z
  .looseObject({
    id: z.string(),
    type: z.string().openapi({ example: 'click' }),
    timestamp: z.number().int().openapi({ description: 'ms since the epoch' }),
    url: s.openapi({ description: 'path (and query) of the page the event happened on' }),
  })
  .openapi('SessionEvent', {
    description:
      'Type-specific fields follow: name, title, referrer, scrollDepth, engagedMs, and the event props (tag, text, selector, x, y, href, …)',
  });

export const SessionDetailSchema = SessionSummarySchema.extend({
  events: z.array(SessionEventSchema).openapi({ description: 'in time order' }),
  eventsTruncated: z.boolean(),
}).openapi('SessionDetail');

export const SessionPageSchema = z
  .object({
    sessions: z.array(SessionSummarySchema),
    nextCursor: z
      .string()
      .nullable()
      .openapi({ description: 'pass as `cursor` for the next page; null at the end' }),
  })
  .openapi('SessionPage');
