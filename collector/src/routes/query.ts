/**
 * `GET /api/query` and `POST /api/query`: the generic query (see `analytics/query.ts`). GET takes
 * `groupBy=day,browser`, `metrics=count,sum:prop.price`, `sort=-count`, `limit`, and filters as
 * parameters like every report; POST takes the same as JSON, filters as `{dimension, op, value}`.
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { authorize, requireScope } from '../auth/authorize.js';
import type { AppContext } from '../context.js';
import { filterFromJson } from '../analytics/filters.js';
import { reportParams } from '../analytics/params.js';
import { runQuery } from '../analytics/query.js';
import { columnAnswers } from '../analytics/columns/answers.js';
import { bearerSecurity, errorResponses } from './openapi-common.js';

const list = (v: string | undefined) =>
  v === undefined || v === ''
    ? []
    : v
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean);

const QueryBody = z
  .object({
    websiteId: z.string().max(200).optional(),
    period: z.string().max(16).optional(),
    from: z.string().max(40).optional(),
    to: z.string().max(40).optional(),
    timezone: z.string().max(64).optional(),
    groupBy: z.array(z.string().max(80)).max(5).default([]),
    metrics: z.array(z.string().max(80)).max(10).default(['count']),
    filters: z
      .array(
        z.object({
          dimension: z.string().max(80),
          op: z.enum(['is', 'is_not', 'matches', 'does_not_match']),
          value: z.union([z.string().max(500), z.array(z.string().max(500)).max(50)]),
        }),
      )
      .max(20)
      .default([]),
    sort: z.array(z.string().max(80)).max(5).default([]),
    limit: z.number().int().min(1).max(10_000).default(100),
  })
  .openapi('Query');

const Result = z
  .object({ columns: z.array(z.string()), rows: z.array(z.record(z.string(), z.unknown())) })
  .openapi('QueryResult');

const getRoute = createRoute({
  method: 'get',
  path: '/api/query',
  tags: ['query'],
  summary: 'Group events by time and dimensions; count, visitors, sessions, sum/avg/min/max',
  description:
    'groupBy: hour|day|week|month|year and/or dimensions (prop.<key> included); metrics: count, visitors, sessions, sum|avg|min|max:<scroll_depth|engaged_ms|prop.<key>>; sort: column names, -desc; filters as in the reports.',
  security: bearerSecurity,
  request: {
    query: z
      .object({
        websiteId: z.string().max(200).optional(),
        groupBy: z.string().max(400).optional(),
        metrics: z.string().max(800).optional(),
        sort: z.string().max(400).optional(),
        limit: z.coerce.number().int().min(1).max(10_000).default(100),
      })
      .passthrough(),
  },
  responses: {
    200: { description: 'Rows', content: { 'application/json': { schema: Result } } },
    ...errorResponses(400, 401, 403, 404),
  },
});

const postRoute = createRoute({
  method: 'post',
  path: '/api/query',
  tags: ['query'],
  summary: 'The generic query, as JSON',
  security: bearerSecurity,
  request: { body: { required: true, content: { 'application/json': { schema: QueryBody } } } },
  responses: {
    200: { description: 'Rows', content: { 'application/json': { schema: Result } } },
    ...errorResponses(400, 401, 403, 404),
  },
});

export function registerQueryRoutes(app: OpenAPIHono, ctx: AppContext): void {
  const read = requireScope(ctx, 'read');
  const columnQuery = columnAnswers(ctx.columns).query;
  const reserved = ['groupBy', 'metrics', 'sort', 'limit'];

  app.openapi({ ...getRoute, middleware: read }, (c) => {
    const all = c.req.query();
    const rest = Object.fromEntries(Object.entries(all).filter(([k]) => !reserved.includes(k)));
    const p = reportParams(ctx.database.db, authorize(c, { scope: 'read' }), rest, ctx.now());
    const q = c.req.valid('query') as unknown as { limit: number };
    return c.json(
      runQuery(
        ctx.database.sqlite,
        {
          ...p,
          groupBy: list(all.groupBy),
          metrics: list(all.metrics),
          sort: list(all.sort),
          limit: q.limit,
        },
        columnQuery,
      ),
      200,
    );
  });

  app.openapi({ ...postRoute, middleware: read }, (c) => {
    const body = c.req.valid('json');
    const base: Record<string, string> = {};
    for (const k of ['websiteId', 'period', 'from', 'to', 'timezone'] as const)
      if (body[k] !== undefined) base[k] = body[k];
    const p = reportParams(ctx.database.db, authorize(c, { scope: 'read' }), base, ctx.now());
    return c.json(
      runQuery(
        ctx.database.sqlite,
        {
          ...p,
          filters: body.filters.map(filterFromJson),
          groupBy: body.groupBy,
          metrics: body.metrics,
          sort: body.sort,
          limit: body.limit,
        },
        columnQuery,
      ),
      200,
    );
  });
}
