/** `GET /stats`: the counters for a website (or every website the key may read) over a range. */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { authorize, requireScope } from '../auth/authorize.js';
import type { AppContext } from '../context.js';
import type { StatsReader } from '../queries/reader.js';
import { bearerSecurity, errorResponses, rangeQuery } from './openapi-common.js';
import { isoOrNull, parseTimeRange } from './time-range.js';
import { websiteScope } from './website-scope.js';

const count = z.number().int().nonnegative();
export const StatsSchema = z
  .object({
    websiteId: z
      .string()
      .nullable()
      .openapi({ description: 'the website asked for; null = every readable website' }),
    from: z
      .string()
      .nullable()
      .openapi({ description: 'start of the range (ISO); null = unbounded' }),
    to: z
      .string()
      .nullable()
      .openapi({ description: 'end of the range, exclusive (ISO); null = unbounded' }),
    pageviews: count,
    identify_events: count,
    custom_events: count,
    click_events: count,
    outbound_events: count,
    scroll_events: count,
    rrweb_events: count.openapi({
      description: 'rrweb events recorded in the sessions of the range',
    }),
    total_sessions: count.openapi({ description: 'sessions started in the range' }),
    visitors: count.openapi({ description: 'distinct visitors of those sessions' }),
    bounce_rate: z
      .number()
      .min(0)
      .max(1)
      .openapi({ description: 'share of sessions with at most one pageview' }),
    avg_duration_ms: count.openapi({ description: 'mean session duration, ms' }),
  })
  .openapi('Stats');

const route = createRoute({
  method: 'get',
  path: '/stats',
  tags: ['reads'],
  summary: 'Counters, visitors, bounce rate and duration',
  security: bearerSecurity,
  request: { query: z.object(rangeQuery) },
  responses: {
    200: { description: 'Counters', content: { 'application/json': { schema: StatsSchema } } },
    ...errorResponses(400, 401, 403, 404),
  },
});

export function registerStatsRoutes(app: OpenAPIHono, ctx: AppContext, reader: StatsReader): void {
  app.openapi({ ...route, middleware: requireScope(ctx, 'read', { allowPublic: true }) }, (c) => {
    const q = c.req.valid('query');
    const p = authorize(c, { scope: 'read' });
    const range = parseTimeRange(q, ctx.now());
    const scope = websiteScope(reader, p, q.websiteId);
    const counters = reader.stats(scope, range);
    const websiteId = scope !== null && scope.length === 1 ? (scope[0] ?? null) : null;
    return c.json(
      { websiteId, from: isoOrNull(range.from), to: isoOrNull(range.to), ...counters },
      200,
    );
  });
}
