/** `POST /api/websites` (admin) and `GET /api/websites` (the websites the key can read). */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { authorize, requireScope } from '../auth/authorize.js';
import type { AppContext } from '../context.js';
import type { Website } from '../db/schema.js';
import { ApiError } from '../http/errors.js';
import type { StatsReader } from '../queries/reader.js';
import { bearerSecurity, errorResponses } from './openapi-common.js';

export const WebsiteSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    domain: z.string(),
    createdAt: z.string().openapi({ description: 'ISO time' }),
    snippet: z.string().openapi({ description: 'the script tag to paste into the site' }),
  })
  .openapi('Website');

const NewWebsiteSchema = z
  .object({
    name: z.string().trim().min(1).max(100).openapi({ example: 'Docs site' }),
    domain: z
      .string()
      .trim()
      .toLowerCase()
      .max(253)
      .pipe(z.hostname({ error: 'must be a hostname like example.com (no scheme, port or path)' }))
      .openapi({ example: 'docs.example.com' }),
  })
  .openapi('NewWebsite');

const createRouteDef = createRoute({
  method: 'post',
  path: '/api/websites',
  tags: ['admin'],
  summary: 'Create a website (admin key)',
  security: bearerSecurity,
  request: {
    body: { required: true, content: { 'application/json': { schema: NewWebsiteSchema } } },
  },
  responses: {
    201: { description: 'Created', content: { 'application/json': { schema: WebsiteSchema } } },
    ...errorResponses(400, 401, 403),
  },
});

const listRouteDef = createRoute({
  method: 'get',
  path: '/api/websites',
  tags: ['admin'],
  summary: 'The websites this key can read',
  security: bearerSecurity,
  responses: {
    200: {
      description: 'Websites, oldest first',
      content: { 'application/json': { schema: z.object({ websites: z.array(WebsiteSchema) }) } },
    },
    ...errorResponses(401, 403),
  },
});

/** The ready-to-paste tracker tag for a website served by this collector. */
export function snippetFor(origin: string, websiteId: string): string {
  return `<script defer src="${origin}/script.js" data-website-id="${websiteId}"></script>`;
}

/** This collector's public origin as the client sees it (proxy headers only when trusted). */
export function publicOrigin(c: Context, trustProxy: boolean): string {
  const url = new URL(c.req.url);
  if (!trustProxy) return url.origin;
  const proto = c.req.header('X-Forwarded-Proto')?.split(',')[0]?.trim().toLowerCase();
  const host = c.req.header('X-Forwarded-Host')?.split(',')[0]?.trim();
  const scheme = proto === 'http' || proto === 'https' ? proto : url.protocol.slice(0, -1);
  // the forwarded host carries its own port (or none); never mix it with ours
  const authority = host && /^[a-z0-9.:[\]-]+$/i.test(host) ? host : url.host;
  return `${scheme}://${authority}`;
}

function present(w: Website, origin: string) {
  return {
    id: w.id,
    name: w.name,
    domain: w.domain,
    createdAt: new Date(w.createdAt).toISOString(),
    snippet: snippetFor(origin, w.id),
  };
}

export interface WebsiteRouteOptions {
  /** called after a website is created, so caches of known websites (ingest) learn of it */
  onWebsiteCreated?: (websiteId: string) => void;
}

export function registerWebsiteRoutes(
  app: OpenAPIHono,
  ctx: AppContext,
  reader: StatsReader,
  opts: WebsiteRouteOptions = {},
): void {
  app.openapi({ ...createRouteDef, middleware: requireScope(ctx, 'admin') }, (c) => {
    const p = authorize(c, { scope: 'admin' });
    if (p.websites !== null)
      throw new ApiError('forbidden', 'a key limited to one website cannot create websites');
    const body = c.req.valid('json');
    const website = reader.createWebsite({
      id: ctx.randomId(),
      name: body.name,
      domain: body.domain,
      createdAt: ctx.now(),
    });
    opts.onWebsiteCreated?.(website.id);
    return c.json(present(website, publicOrigin(c, ctx.trustProxy)), 201);
  });

  app.openapi({ ...listRouteDef, middleware: requireScope(ctx, 'read') }, (c) => {
    const p = authorize(c, { scope: 'read' });
    const origin = publicOrigin(c, ctx.trustProxy);
    const list = reader.listWebsites(p.websites === null ? null : [...p.websites]);
    return c.json({ websites: list.map((w) => present(w, origin)) }, 200);
  });
}
