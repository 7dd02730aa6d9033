/**
 * `GET /api/reports/{overview,timeseries,breakdown,pages,sessions}`: the dashboard reports of one
 * website (read access; websites with public stats also answer without credentials). Shared
 * parameters in `analytics/params.ts`, filters in `analytics/filters.ts`, definitions in
 * `analytics/reports.ts` and docs/analytics.md.
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { authorize, requireScope } from '../auth/authorize.js';
import type { AppContext } from '../context.js';
import { ApiError } from '../http/errors.js';
import { dimensionNames } from '../analytics/dimensions.js';
import { reportParams } from '../analytics/params.js';
import { createBehaviour, parseSteps, parseWindow } from '../analytics/behaviour.js';
import { createReports } from '../analytics/reports.js';
import { bearerSecurity, errorResponses } from './openapi-common.js';

const common = {
  websiteId: z.string().max(200).optional().openapi({
    description: 'the website (optional for a key or user limited to one)',
  }),
  period: z.string().max(16).optional().openapi({
    description: 'today, yesterday, 24h, 7d, 30d (default), 90d, month, last_month, 12mo, year',
  }),
  from: z.string().max(40).optional().openapi({
    description: 'a local date (2024-03-01) or an ISO datetime with offset; with `to`',
  }),
  to: z.string().max(40).optional().openapi({
    description: 'a local date (inclusive) or an ISO datetime (exclusive)',
  }),
  timezone: z.string().max(64).optional().openapi({
    description: 'IANA zone of dates and buckets (default: the website’s)',
  }),
};
const paging = {
  limit: z.coerce.number().int().min(1).max(1000).default(10),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
};
type Paging = { limit: number; offset: number };
const filterNote = `Filters: any of ${dimensionNames.join(', ')} as a parameter (\`page=/blog/*\`, \`country=DE|AT\`, \`browser=!Safari\`).`;

const route = (path: string, summary: string, query: Record<string, z.ZodType>) =>
  createRoute({
    method: 'get',
    path: `/api/reports/${path}`,
    tags: ['reports'],
    summary,
    description: filterNote,
    security: bearerSecurity,
    request: { query: z.object({ ...common, ...query }).passthrough() },
    responses: {
      200: { description: summary, content: { 'application/json': { schema: z.any() } } },
      ...errorResponses(400, 401, 403, 404),
    },
  });

export function registerReportRoutes(app: OpenAPIHono, ctx: AppContext): void {
  const reports = createReports(ctx.database.sqlite, ctx.columns);
  const read = requireScope(ctx, 'read', { allowPublic: true });
  const params = (c: Parameters<typeof authorize>[0]) =>
    reportParams(ctx.database.db, authorize(c, { scope: 'read' }), c.req.query(), ctx.now());

  app.openapi(
    {
      ...route(
        'overview',
        'Visitors, visits, pageviews, views per visit, bounce rate and visit duration, with the previous period',
        {},
      ),
      middleware: read,
    },
    (c) => c.json(reports.overview(params(c)), 200),
  );
  app.openapi(
    {
      ...route('timeseries', 'The same metrics per hour, day, week, month or year', {
        interval: z.enum(['hour', 'day', 'week', 'month', 'year']).optional(),
      }),
      middleware: read,
    },
    (c) => c.json(reports.timeseries(params(c)), 200),
  );
  app.openapi(
    {
      ...route('breakdown', 'Top values of one dimension', {
        by: z
          .string()
          .max(80)
          .optional()
          .openapi({ description: `required: ${dimensionNames.join(', ')}` }),
        ...paging,
      }),
      middleware: read,
    },
    (c) => {
      const q = c.req.valid('query') as unknown as Paging & { by?: string };
      if (!q.by) throw new ApiError('invalid_fields', 'by: required');
      return c.json(reports.breakdown(params(c), q.by, q.limit, q.offset), 200);
    },
  );
  app.openapi(
    {
      ...route(
        'pages',
        'Per page: views, visitors, entries, bounce rate, time on page, scroll depth',
        paging,
      ),
      middleware: read,
    },
    (c) => {
      const q = c.req.valid('query') as unknown as Paging & { by?: string };
      return c.json(reports.pages(params(c), q.limit, q.offset), 200);
    },
  );
  const behaviour = createBehaviour(ctx.database.sqlite, ctx.columns);
  app.openapi(
    {
      ...route(
        'funnel',
        'Visitors through ordered steps (pages or custom events) within a window',
        {
          steps: z.string().max(2000).optional().openapi({
            description:
              'required: page:<path> or event:<name>, comma-separated, 2–10 (* wildcards)',
          }),
          window: z.string().max(8).optional().openapi({ description: '30m, 24h (default), 7d' }),
        },
      ),
      middleware: read,
    },
    (c) => {
      const q = c.req.query();
      return c.json(behaviour.funnel(params(c), parseSteps(q.steps), parseWindow(q.window)), 200);
    },
  );
  app.openapi(
    {
      ...route(
        'retention',
        'Cohorts by first visit (day or week) and their return rate per following period',
        {
          cohort: z.enum(['day', 'week']).optional(),
          periods: z.coerce.number().int().min(1).max(52).optional(),
        },
      ),
      middleware: read,
    },
    (c) => {
      const q = c.req.valid('query') as unknown as { cohort?: 'day' | 'week'; periods?: number };
      const cohort = q.cohort ?? 'day';
      return c.json(
        behaviour.retention(params(c), cohort, q.periods ?? (cohort === 'day' ? 7 : 4)),
        200,
      );
    },
  );
  app.openapi(
    {
      ...route(
        'active-users',
        'Daily, weekly and monthly active visitors and identified users, per day',
        {},
      ),
      middleware: read,
    },
    (c) => c.json(behaviour.active(params(c)), 200),
  );
  app.openapi(
    {
      ...route(
        'sessions',
        'Sessions: count, duration and pages-per-session distributions, common paths',
        {},
      ),
      middleware: read,
    },
    (c) => c.json(reports.sessions(params(c)), 200),
  );
}
