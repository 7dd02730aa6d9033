import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppContext } from '../context.js';
import { invalidateWebsiteCache } from '../ingest/websites.js';
import { createSqliteReader } from '../queries/reader.js';
import { registerAuthRoutes } from './auth.js';
import { registerDemoRoutes } from './demo.js';
import { registerDocsRoutes } from './docs.js';
import { registerHealthRoutes } from './health.js';
import { registerKeyRoutes } from './keys.js';
import { registerQueryRoutes } from './query.js';
import { registerRawRoutes } from './raw.js';
import { registerRealtimeRoutes } from './realtime.js';
import { registerReportRoutes } from './reports.js';
import { registerSessionRoutes } from './sessions.js';
import { registerStatsRoutes } from './stats.js';
import { registerUserRoutes } from './users.js';
import { registerWebsiteRoutes } from './websites.js';

/**
 * Reads and admin: /stats, /sessions, /api/websites, /api/auth, /api/users, /api/keys, /health,
 * /openapi.json, /docs, /demo/.
 */
export function registerReadRoutes(app: OpenAPIHono, ctx: AppContext): void {
  const reader = createSqliteReader(ctx.database);
  registerHealthRoutes(app, reader);
  registerStatsRoutes(app, ctx, reader);
  registerSessionRoutes(app, ctx, reader);
  registerWebsiteRoutes(app, ctx, reader, {
    // ingest caches known website ids; make sure it never answers from a stale view
    onWebsiteChanged: (id) => invalidateWebsiteCache(ctx.database, id),
  });
  registerReportRoutes(app, ctx);
  registerQueryRoutes(app, ctx);
  registerRealtimeRoutes(app, ctx);
  registerRawRoutes(app, ctx);
  registerAuthRoutes(app, ctx);
  registerUserRoutes(app, ctx);
  registerKeyRoutes(app, ctx);
  registerDocsRoutes(app);
  registerDemoRoutes(app, ctx, reader);
}
