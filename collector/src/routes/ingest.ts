import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppContext } from '../context.js';

/** Public ingest: /collect, /api/events, /script.js, /recorder.js. */
export function registerIngestRoutes(_app: OpenAPIHono, _ctx: AppContext): void {}
