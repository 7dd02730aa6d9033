import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppContext } from '../context.js';

/** Reads and admin: /stats, /sessions, /api/websites, /health, /openapi.json, /docs. */
export function registerReadRoutes(_app: OpenAPIHono, _ctx: AppContext): void {}
