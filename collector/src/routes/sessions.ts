/** `GET /sessions` (filtered, keyset-paged) and `GET /sessions/{id}`. */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { authorize, canAccess, requireScope } from '../auth/authorize.js';
import type { AppContext } from '../context.js';
import { ApiError } from '../http/errors.js';
import type { StatsReader } from '../queries/reader.js';
import type { SessionPosition } from '../queries/types.js';
import { bearerSecurity, errorResponses, rangeQuery } from './openapi-common.js';
import { SessionDetailSchema, SessionPageSchema } from './session-schemas.js';
import { parseTimeRange } from './time-range.js';
import { websiteScope } from './website-scope.js';

export const MAX_PAGE = 100;
const DEFAULT_PAGE = 20;

/** Cursors are opaque to clients: base64url of the last row's keyset position. */
export function encodeCursor(p: SessionPosition): string {
  return Buffer.from(JSON.stringify([p.startedAt, p.id, p.websiteId])).toString('base64url');
}

export function decodeCursor(cursor: string): SessionPosition {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === 3) {
      const [startedAt, id, websiteId] = v as unknown[];
      if (
        Number.isSafeInteger(startedAt) &&
        typeof id === 'string' &&
        typeof websiteId === 'string'
      ) {
        return { startedAt: startedAt as number, id, websiteId };
      }
    }
  } catch {
    // fall through to the 400 below
  }
  throw new ApiError('invalid_fields', 'cursor: not a cursor from a previous /sessions answer');
}

const listRoute = createRoute({
  method: 'get',
  path: '/sessions',
  tags: ['reads'],
  summary: 'Sessions, newest first',
  security: bearerSecurity,
  request: {
    query: z.object({
      ...rangeQuery,
      visitorId: z.string().min(1).max(200).optional(),
      userId: z.string().min(1).max(200).optional(),
      hasReplay: z
        .enum(['true', 'false'])
        .optional()
        .openapi({ description: 'only sessions with (or without) a recording' }),
      limit: z.coerce
        .number()
        .int()
        .min(1)
        .max(MAX_PAGE)
        .default(DEFAULT_PAGE)
        .openapi({ description: `1–${MAX_PAGE}, default ${DEFAULT_PAGE}` }),
      cursor: z
        .string()
        .max(1000)
        .optional()
        .openapi({ description: '`nextCursor` of the previous page' }),
    }),
  },
  responses: {
    200: {
      description: 'One page of sessions',
      content: { 'application/json': { schema: SessionPageSchema } },
    },
    ...errorResponses(400, 401, 403, 404),
  },
});

const detailRoute = createRoute({
  method: 'get',
  path: '/sessions/{id}',
  tags: ['reads'],
  summary: 'One session with its events in time order',
  security: bearerSecurity,
  request: {
    params: z.object({ id: z.string().min(1).max(200) }),
    query: z.object({
      websiteId: z
        .string()
        .min(1)
        .max(200)
        .optional()
        .openapi({ description: 'disambiguates an id used by two websites' }),
    }),
  },
  responses: {
    200: {
      description: 'The session',
      content: { 'application/json': { schema: SessionDetailSchema } },
    },
    ...errorResponses(400, 401, 403, 404),
  },
});

export function registerSessionRoutes(
  app: OpenAPIHono,
  ctx: AppContext,
  reader: StatsReader,
): void {
  app.openapi({ ...listRoute, middleware: requireScope(ctx, 'read') }, (c) => {
    const q = c.req.valid('query');
    const p = authorize(c, { scope: 'read' });
    const range = parseTimeRange(q, ctx.now());
    const after = q.cursor === undefined ? undefined : decodeCursor(q.cursor);
    const websites = websiteScope(reader, p, q.websiteId);
    const hasReplay = q.hasReplay === undefined ? undefined : q.hasReplay === 'true';
    const page = reader.listSessions({
      websites,
      range,
      visitorId: q.visitorId,
      userId: q.userId,
      hasReplay,
      limit: q.limit,
      after,
    });
    return c.json(
      { sessions: page.sessions, nextCursor: page.next ? encodeCursor(page.next) : null },
      200,
    );
  });

  app.openapi({ ...detailRoute, middleware: requireScope(ctx, 'read') }, (c) => {
    const { id } = c.req.valid('param');
    const { websiteId } = c.req.valid('query');
    const p = authorize(c, { scope: 'read', websiteId });
    const found = reader
      .findSession(id)
      .filter((s) => websiteId === undefined || s.websiteId === websiteId);
    if (found.length === 0) throw new ApiError('not_found', `unknown session "${id}"`);
    const readable = found.find((s) => canAccess(p, s.websiteId));
    if (!readable) throw new ApiError('forbidden', 'this API key is limited to another website');
    return c.json(readable.detail(), 200);
  });
}
