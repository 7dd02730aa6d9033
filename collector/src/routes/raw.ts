/**
 * Raw data: `GET /api/events` (list, keyset paging), `GET|DELETE /api/events/:id`,
 * `GET /api/export/{events,sessions}?format=csv|ndjson` (streamed), and people:
 * `GET|DELETE /api/people/visitor/:id`, `GET|DELETE /api/people/user/:id` (journey; erasure).
 * `POST /api/events` stays the ingest endpoint. Deleting an event needs `write`; erasing a person
 * needs `admin`; the rest `read`.
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { stream } from 'hono/streaming';
import { authorize, requireScope } from '../auth/authorize.js';
import type { AppContext } from '../context.js';
import { ApiError } from '../http/errors.js';
import { reportParams } from '../analytics/params.js';
import { createRawEvents } from '../raw/events.js';
import { exportLines, type ExportFormat } from '../raw/export.js';
import { bearerSecurity, errorResponses } from './openapi-common.js';

const json = (description: string) => ({
  200: { description, content: { 'application/json': { schema: z.any() } } },
});
const rangeQuery = {
  websiteId: z.string().max(200).optional(),
  period: z.string().max(16).optional(),
  from: z.string().max(40).optional(),
  to: z.string().max(40).optional(),
  timezone: z.string().max(64).optional(),
};
const idParam = z.object({ id: z.string().min(1).max(200) });
const siteQuery = z.object({ websiteId: z.string().max(200).optional() });

function encodeCursor(ts: number, id: string): string {
  return Buffer.from(JSON.stringify([ts, id])).toString('base64url');
}
function decodeCursor(raw: string): [number, string] {
  try {
    const v = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && typeof v[0] === 'number' && typeof v[1] === 'string')
      return [v[0], v[1]];
  } catch {
    /* fall through */
  }
  throw new ApiError('invalid_fields', 'cursor: not a cursor from a previous page');
}

/** The website and range parameters only (raw endpoints take no report filters). */
function rangeOf(c: Context): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of ['websiteId', 'period', 'from', 'to', 'timezone']) {
    const v = c.req.query(k);
    if (v !== undefined) out[k] = v;
  }
  return out;
}

export function registerRawRoutes(app: OpenAPIHono, ctx: AppContext): void {
  const raw = createRawEvents(ctx.database.sqlite);
  const { db, sqlite } = ctx.database;

  /** The one website a raw request is about (asked for, or the caller's only one). */
  const website = (c: Context, scope: 'read' | 'write' | 'admin') =>
    reportParams(
      db,
      authorize(c, { scope }),
      { websiteId: c.req.query('websiteId') ?? '', period: '24h' },
      ctx.now(),
    ).websiteId;
  const sitesOf = (c: Context, scope: 'read' | 'admin') => {
    const p = authorize(c, { scope });
    const asked = c.req.query('websiteId');
    if (asked) return [website(c, scope)];
    return p.websites;
  };

  app.openapi(
    {
      ...createRoute({
        method: 'get',
        path: '/api/events',
        tags: ['raw'],
        summary: 'Raw events, newest first (keyset paging with `cursor`)',
        security: bearerSecurity,
        request: {
          query: z.object({
            ...rangeQuery,
            type: z.string().max(40).optional(),
            limit: z.coerce.number().int().min(1).max(1000).default(100),
            cursor: z.string().max(400).optional(),
          }),
        },
        responses: { ...json('Events and the next cursor'), ...errorResponses(400, 401, 403, 404) },
      }),
      middleware: requireScope(ctx, 'read'),
    },
    (c) => {
      const q = c.req.valid('query');
      const p = reportParams(db, authorize(c, { scope: 'read' }), rangeOf(c), ctx.now());
      const events = raw.list(
        p.websiteId,
        p.from,
        p.to,
        q.type ?? null,
        q.limit,
        q.cursor ? decodeCursor(q.cursor) : null,
      );
      const last = events.at(-1);
      return c.json(
        {
          events: events.map((e) => ({ ...e, timestamp: new Date(e.ts).toISOString() })),
          nextCursor: events.length === q.limit && last ? encodeCursor(last.ts, last.id) : null,
        },
        200,
      );
    },
  );

  app.openapi(
    {
      ...createRoute({
        method: 'get',
        path: '/api/events/{id}',
        tags: ['raw'],
        summary: 'One event',
        security: bearerSecurity,
        request: { params: idParam, query: siteQuery },
        responses: { ...json('The event'), ...errorResponses(401, 403, 404) },
      }),
      middleware: requireScope(ctx, 'read'),
    },
    (c) => {
      const e = raw.get(website(c, 'read'), c.req.valid('param').id);
      if (!e) throw new ApiError('not_found', `unknown event "${c.req.valid('param').id}"`);
      return c.json(e, 200);
    },
  );

  app.openapi(
    {
      ...createRoute({
        method: 'delete',
        path: '/api/events/{id}',
        tags: ['raw'],
        summary: 'Delete one event (write scope); its session’s counters follow',
        security: bearerSecurity,
        request: { params: idParam, query: siteQuery },
        responses: { 204: { description: 'Deleted' }, ...errorResponses(401, 403, 404) },
      }),
      middleware: requireScope(ctx, 'write'),
    },
    (c) => {
      const id = c.req.valid('param').id;
      if (!raw.remove(website(c, 'write'), id))
        throw new ApiError('not_found', `unknown event "${id}"`);
      return c.body(null, 204);
    },
  );

  for (const kind of ['events', 'sessions'] as const) {
    app.openapi(
      {
        ...createRoute({
          method: 'get',
          path: `/api/export/${kind}`,
          tags: ['raw'],
          summary: `Export ${kind} as CSV or NDJSON, streamed`,
          security: bearerSecurity,
          request: {
            query: z.object({ ...rangeQuery, format: z.enum(['csv', 'ndjson']).default('ndjson') }),
          },
          responses: {
            200: {
              description: `${kind}, oldest first`,
              content: {
                'text/csv': { schema: z.string() },
                'application/x-ndjson': { schema: z.string() },
              },
            },
            ...errorResponses(400, 401, 403, 404),
          },
        }),
        middleware: requireScope(ctx, 'read'),
      },
      (c) => {
        const format = c.req.valid('query').format as ExportFormat;
        const p = reportParams(db, authorize(c, { scope: 'read' }), rangeOf(c), ctx.now());
        c.header(
          'Content-Type',
          format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson',
        );
        c.header(
          'Content-Disposition',
          `attachment; filename="${kind}.${format === 'csv' ? 'csv' : 'ndjson'}"`,
        );
        c.header('Cache-Control', 'no-store');
        return stream(c, async (s) => {
          for await (const chunk of exportLines(sqlite, kind, p.websiteId, p.from, p.to, format)) {
            if (s.aborted) return;
            await s.write(chunk);
          }
        });
      },
    );
  }

  for (const who of ['visitor', 'user'] as const) {
    const visitorsOf = (c: Context, sites: readonly string[] | null, id: string) =>
      who === 'visitor' ? [id] : raw.visitorsOfUser(sites, id);
    app.openapi(
      {
        ...createRoute({
          method: 'get',
          path: `/api/people/${who}/{id}`,
          tags: ['people'],
          summary: `A ${who}'s journey: every event in order, first and last seen`,
          security: bearerSecurity,
          request: { params: idParam, query: siteQuery },
          responses: { ...json('The journey'), ...errorResponses(401, 403, 404) },
        }),
        middleware: requireScope(ctx, 'read'),
      },
      (c) => {
        const sites = sitesOf(c, 'read');
        const id = c.req.valid('param').id;
        const visitorIds = visitorsOf(c, sites, id);
        const events = raw.journey(sites, { visitorIds });
        if (events.length === 0) throw new ApiError('not_found', `no events of ${who} "${id}"`);
        return c.json(
          {
            [who === 'visitor' ? 'visitorId' : 'userId']: id,
            visitorIds,
            firstSeen: new Date(events[0]!.ts).toISOString(),
            lastSeen: new Date(events.at(-1)!.ts).toISOString(),
            sessions: new Set(events.map((e) => e.sessionId)).size,
            events,
          },
          200,
        );
      },
    );
    app.openapi(
      {
        ...createRoute({
          method: 'delete',
          path: `/api/people/${who}/{id}`,
          tags: ['people'],
          summary: `Erase everything of a ${who} (GDPR): events, sessions, replays (admin)`,
          security: bearerSecurity,
          request: { params: idParam, query: siteQuery },
          responses: { ...json('Counts of what was erased'), ...errorResponses(401, 403) },
        }),
        middleware: requireScope(ctx, 'admin'),
      },
      (c) => {
        const sites = sitesOf(c, 'admin');
        const id = c.req.valid('param').id;
        const visitorIds = visitorsOf(c, sites, id);
        return c.json({ erased: raw.erase(sites, visitorIds), visitorIds }, 200);
      },
    );
  }
}
