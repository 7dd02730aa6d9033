/** `GET /openapi.json` (OpenAPI 3.1 of every documented route) and `GET /docs` (Swagger UI). */
import type { OpenAPIHono } from '@hono/zod-openapi';
import { swaggerUI } from '@hono/swagger-ui';
import { BEARER } from './openapi-common.js';
import { VERSION } from './health.js';

export function registerDocsRoutes(app: OpenAPIHono): void {
  app.openAPIRegistry.registerComponent('securitySchemes', BEARER, {
    type: 'http',
    scheme: 'bearer',
    description: 'An API key (`sl_…`). The first start prints an admin key; see docs/api.md.',
  });
  app.doc31('/openapi.json', (c) => ({
    openapi: '3.1.0',
    info: {
      title: 'Sightline collector API',
      version: VERSION,
      description:
        'Self-hosted web analytics and session replay. Reads need `Authorization: Bearer <key>`.',
    },
    servers: [{ url: new URL(c.req.url).origin }],
  }));
  app.get('/docs', swaggerUI({ url: '/openapi.json', title: 'Sightline API' }));
}
