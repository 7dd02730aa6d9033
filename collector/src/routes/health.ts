/** `GET /health`: liveness plus a cheap database round trip; no auth. */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import pkg from '../../package.json' with { type: 'json' };
import type { StatsReader } from '../queries/reader.js';

export const VERSION: string = pkg.version;

const HealthSchema = z
  .object({
    status: z.enum(['ok', 'error']),
    db: z.enum(['ok', 'error']),
    version: z.string().openapi({ example: VERSION }),
  })
  .openapi('Health');

const route = createRoute({
  method: 'get',
  path: '/health',
  tags: ['meta'],
  summary: 'Liveness and database check (no auth)',
  responses: {
    200: { description: 'Healthy', content: { 'application/json': { schema: HealthSchema } } },
    503: {
      description: 'The database does not answer',
      content: { 'application/json': { schema: HealthSchema } },
    },
  },
});

export function registerHealthRoutes(app: OpenAPIHono, reader: StatsReader): void {
  app.openapi(route, (c) => {
    try {
      reader.ping();
      return c.json({ status: 'ok' as const, db: 'ok' as const, version: VERSION }, 200);
    } catch (err) {
      console.error(
        JSON.stringify({ level: 'error', msg: 'health check failed', error: String(err) }),
      );
      return c.json({ status: 'error' as const, db: 'error' as const, version: VERSION }, 503);
    }
  });
}
