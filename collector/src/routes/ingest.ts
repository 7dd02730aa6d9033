import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppContext } from '../context.js';
import { publicCors } from '../http/public-cors.js';
import { ingestRateLimit } from '../http/ingest-rate-limit.js';
import { createIngestPipeline } from '../ingest/pipeline.js';
import { ingestSchemas } from '../ingest/schema.js';
import { registerAssetRoutes } from './assets.js';
import { registerCollectRoutes } from './collect.js';
import { registerIngestDocs } from './ingest-docs.js';

/**
 * Public ingest: `/collect`, `/api/events` (CORS from any origin, preflight answered),
 * `/script.js`, `/extras.js`, `/recorder.js`, `/sdk/*`. The pipeline and its group-commit writer are created
 * here, once per app.
 */
export function registerIngestRoutes(app: OpenAPIHono, ctx: AppContext): void {
  const pipeline = createIngestPipeline(ctx);
  const schemas = ingestSchemas(ctx.limits);
  const cors = publicCors();
  const perIp = ingestRateLimit(ctx);
  for (const path of ['/collect', '/api/events']) {
    app.use(path, cors);
    app.post(path, perIp);
  }
  registerCollectRoutes(app, ctx, pipeline, schemas);
  registerIngestDocs(app, schemas);
  registerAssetRoutes(app, ctx);
}
