import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppContext } from '../context.js';
import { invalidateWebsiteCache } from '../ingest/websites.js';
import { createSqliteReader } from '../queries/reader.js';
import { registerDemoRoutes } from './demo.js';
import { registerDocsRoutes } from './docs.js';
import { registerHealthRoutes } from './health.js';
import { registerSessionRoutes } from './sessions.js';
import { registerStatsRoutes } from './stats.js';
import { registerWebsiteRoutes } from './websites.js';

/** Reads and admin: /stats, /sessions, /api/websites, /health, /openapi.json, /docs, /demo/. */
export function registerReadRoutes(app: OpenAPIHono, ctx: AppContext): void {
  const reader = createSqliteReader(ctx.database.db);
  registerHealthRoutes(app, reader);
  registerStatsRoutes(app, ctx, reader);
  registerSessionRoutes(app, ctx, reader);
  registerWebsiteRoutes(app, ctx, reader, {
    // ingest caches known website ids; make sure it never answers from a stale view
    onWebsiteCreated: (id) => invalidateWebsiteCache(ctx.database, id),
  });
  registerDocsRoutes(app);
  registerDemoRoutes(app, ctx, reader);
}
