/**
 * `GET /openapi.json` (OpenAPI 3.1 of every documented route) and `GET /docs` (Swagger UI). The
 * Swagger UI files come from the installed `swagger-ui-dist` package and are served by the
 * collector itself, so `/docs` works offline and under a `script-src 'self'` CSP (no CDN, no
 * inline script).
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { PAGE_CSP } from '../http/security-headers.js';
import { staticFiles } from '../http/static-files.js';
import { VERSION } from './health.js';
import { BEARER } from './openapi-common.js';

const page = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Sightline API</title>
    <link rel="stylesheet" href="/docs/assets/swagger-ui.css" />
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="/docs/assets/swagger-ui-bundle.js"></script>
    <script src="/docs/assets/init.js"></script>
  </body>
</html>
`;

const init = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui' });\n`;

const swaggerFiles = new Set(['swagger-ui.css', 'swagger-ui-bundle.js']);

export function registerDocsRoutes(app: OpenAPIHono): void {
  app.openAPIRegistry.registerComponent('securitySchemes', BEARER, {
    type: 'http',
    scheme: 'bearer',
    description:
      'An API key (`sl_…`; the first start prints an admin key) or a login session token (`sls_…`, from POST /api/auth/login). See docs/accounts.md.',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'cookieAuth', {
    type: 'apiKey',
    in: 'cookie',
    name: 'sl_session',
    description:
      'The dashboard’s login session (HttpOnly). Changes made with it must come from this origin (CSRF).',
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

  const dist = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  const files = staticFiles({ cacheControl: 'public, max-age=86400' });
  app.get('/docs', (c) => c.html(page, 200, { 'Content-Security-Policy': PAGE_CSP }));
  app.get('/docs/assets/init.js', (c) =>
    c.body(init, 200, { 'Content-Type': 'application/javascript; charset=utf-8' }),
  );
  app.get('/docs/assets/:file', (c) => {
    const name = c.req.param('file');
    return files(c, swaggerFiles.has(name) ? join(dist, name) : null, `docs/assets/${name}`);
  });
}
