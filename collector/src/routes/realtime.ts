/**
 * Realtime: `GET /api/realtime` (visitors in the last 5 minutes, pageviews per minute for the
 * last 30, top pages now) and `GET /api/realtime/stream`, a Server-Sent Events stream of the
 * website's events as they are committed (`event: events`, a JSON array per commit; a comment
 * line every 15 s keeps proxies from closing it). Both need read access to the website.
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import { assertWebsiteAccess, authorize, requireScope } from '../auth/authorize.js';
import type { AppContext } from '../context.js';
import { ApiError } from '../http/errors.js';
import type { LiveEvent } from '../realtime/bus.js';
import { getWebsite } from '../queries/websites.js';
import { bearerSecurity, errorResponses } from './openapi-common.js';

const MINUTE = 60_000;
const HEARTBEAT_MS = 15_000;
const query = z.object({ websiteId: z.string().max(200).optional() });

const summaryRoute = createRoute({
  method: 'get',
  path: '/api/realtime',
  tags: ['realtime'],
  summary: 'Visitors in the last 5 minutes, pageviews per minute (last 30), top pages now',
  security: bearerSecurity,
  request: { query },
  responses: {
    200: {
      description: 'Now',
      content: {
        'application/json': {
          schema: z.object({
            visitors: z.number(),
            pageviewsPerMinute: z.array(z.object({ minute: z.string(), pageviews: z.number() })),
            topPages: z.array(z.object({ page: z.string(), visitors: z.number() })),
          }),
        },
      },
    },
    ...errorResponses(400, 401, 403, 404),
  },
});

const streamRoute = createRoute({
  method: 'get',
  path: '/api/realtime/stream',
  tags: ['realtime'],
  summary: 'Live events over Server-Sent Events',
  security: bearerSecurity,
  request: { query },
  responses: {
    200: {
      description: '`event: events` with `data: [{type, name, path, ts, sessionId}]` per commit',
      content: { 'text/event-stream': { schema: z.string() } },
    },
    ...errorResponses(400, 401, 403, 404),
  },
});

export function registerRealtimeRoutes(app: OpenAPIHono, ctx: AppContext): void {
  const { sqlite, db } = ctx.database;
  const read = requireScope(ctx, 'read');
  const visitors = sqlite.prepare<[string, number], { n: number }>(
    `SELECT count(DISTINCT visitor_id) AS n FROM events WHERE website_id = ? AND ts >= ?`,
  );
  const perMinute = sqlite.prepare<[string, number], { m: number; n: number }>(
    `SELECT ts / ${MINUTE} AS m, count(*) AS n FROM events
     WHERE website_id = ? AND ts >= ? AND type = 'pageview' GROUP BY m`,
  );
  const topPages = sqlite.prepare<[string, number], { page: string; visitors: number }>(
    `SELECT path AS page, count(DISTINCT visitor_id) AS visitors FROM events
     WHERE website_id = ? AND ts >= ? AND type = 'pageview' AND path IS NOT NULL
     GROUP BY path ORDER BY visitors DESC, path LIMIT 10`,
  );

  function site(c: Context): string {
    const p = authorize(c, { scope: 'read' });
    const id = c.req.query('websiteId') ?? (p.websites?.length === 1 ? p.websites[0] : undefined);
    if (!id) throw new ApiError('invalid_fields', 'websiteId: required');
    assertWebsiteAccess(p, id);
    if (!getWebsite(db, id)) throw new ApiError('not_found', `unknown website "${id}"`);
    return id;
  }

  app.openapi({ ...summaryRoute, middleware: read }, (c) => {
    const id = site(c);
    const now = ctx.now();
    const firstMinute = Math.floor(now / MINUTE) - 29;
    const counts = new Map(perMinute.all(id, firstMinute * MINUTE).map((r) => [r.m, r.n]));
    return c.json(
      {
        visitors: visitors.get(id, now - 5 * MINUTE)?.n ?? 0,
        pageviewsPerMinute: Array.from({ length: 30 }, (_, i) => ({
          minute: new Date((firstMinute + i) * MINUTE).toISOString(),
          pageviews: counts.get(firstMinute + i) ?? 0,
        })),
        topPages: topPages.all(id, now - 5 * MINUTE),
      },
      200,
    );
  });

  app.openapi({ ...streamRoute, middleware: read }, (c) => {
    const id = site(c);
    c.header('Cache-Control', 'no-store');
    return streamSSE(c, async (stream) => {
      let pending: LiveEvent[] = [];
      let wake: (() => void) | null = null;
      const unsubscribe = ctx.bus.subscribe(id, (events) => {
        pending.push(...events);
        if (pending.length > 10_000) pending = pending.slice(-10_000); // a slow reader loses the oldest
        wake?.();
      });
      let open = true;
      stream.onAbort(() => {
        open = false;
        unsubscribe();
        wake?.();
      });
      await stream.writeSSE({ event: 'ready', data: JSON.stringify({ websiteId: id }) });
      while (open) {
        if (pending.length === 0) {
          let timer: NodeJS.Timeout | undefined;
          await new Promise<void>((resolve) => {
            wake = resolve;
            timer = setTimeout(resolve, HEARTBEAT_MS);
          });
          clearTimeout(timer);
          wake = null;
        }
        if (!open) break;
        if (pending.length === 0) {
          await stream.write(': keep-alive\n\n');
          continue;
        }
        const batch = pending.map(({ websiteId: _w, ...e }) => e);
        pending = [];
        await stream.writeSSE({ event: 'events', data: JSON.stringify(batch) });
      }
      unsubscribe();
    });
  });
}
