/**
 * Websites: `POST /api/websites` (admin), `GET /api/websites` (those the caller can read),
 * `GET /api/websites/:id`, `PATCH /api/websites/:id` (admin: name, domain, allowed domains,
 * timezone, public stats) and `DELETE /api/websites/:id?confirm=<id>` (admin: the website and
 * all its data).
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { authorize, requireScope } from '../auth/authorize.js';
import type { AppContext } from '../context.js';
import type { Website } from '../db/schema.js';
import { ApiError } from '../http/errors.js';
import type { StatsReader } from '../queries/reader.js';
import { deleteWebsite, updateWebsite } from '../queries/website-admin.js';
import { bearerSecurity, errorResponses } from './openapi-common.js';

export const WebsiteSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    domain: z.string(),
    allowedDomains: z.array(z.string()).openapi({
      description:
        'hostnames browsers may send events from (each also allows its subdomains); empty = any',
    }),
    timezone: z.string().openapi({ description: 'IANA time zone of reports' }),
    publicStats: z.boolean().openapi({ description: 'aggregate stats readable without a key' }),
    createdAt: z.string().openapi({ description: 'ISO time' }),
    snippet: z.string().openapi({ description: 'the script tag to paste into the site' }),
  })
  .openapi('Website');

const hostname = z
  .string()
  .trim()
  .toLowerCase()
  .max(253)
  .pipe(z.hostname({ error: 'must be a hostname like example.com (no scheme, port or path)' }));

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** The settings a website can be created with and changed later. */
const settingsFields = {
  allowedDomains: z.array(hostname).max(100).optional(),
  timezone: z
    .string()
    .max(64)
    .refine(isTimeZone, 'must be an IANA time zone like Europe/Berlin')
    .optional(),
  publicStats: z.boolean().optional(),
};

const WebsitePatchSchema = z
  .object({
    name: z.string().trim().min(1).max(100).optional(),
    domain: hostname.optional(),
    ...settingsFields,
  })
  .openapi('WebsitePatch');

const idParam = z.object({ id: z.string().min(1).max(200) });

const getRouteDef = createRoute({
  method: 'get',
  path: '/api/websites/{id}',
  tags: ['admin'],
  summary: 'One website, with its snippet',
  security: bearerSecurity,
  request: { params: idParam },
  responses: {
    200: { description: 'The website', content: { 'application/json': { schema: WebsiteSchema } } },
    ...errorResponses(401, 403, 404),
  },
});

const patchRouteDef = createRoute({
  method: 'patch',
  path: '/api/websites/{id}',
  tags: ['admin'],
  summary: 'Change a website’s name, domain, allowed domains, timezone or public stats (admin)',
  security: bearerSecurity,
  request: {
    params: idParam,
    body: { required: true, content: { 'application/json': { schema: WebsitePatchSchema } } },
  },
  responses: {
    200: { description: 'Updated', content: { 'application/json': { schema: WebsiteSchema } } },
    ...errorResponses(400, 401, 403, 404),
  },
});

const deleteRouteDef = createRoute({
  method: 'delete',
  path: '/api/websites/{id}',
  tags: ['admin'],
  summary: 'Delete a website and all its data (admin; needs ?confirm=<the website id>)',
  security: bearerSecurity,
  request: {
    params: idParam,
    query: z.object({
      confirm: z
        .string()
        .max(200)
        .optional()
        .openapi({ description: 'must repeat the website id: deleting cannot be undone' }),
    }),
  },
  responses: {
    200: {
      description: 'Deleted; rows removed per table',
      content: {
        'application/json': {
          schema: z.object({ deleted: z.string(), removed: z.record(z.string(), z.number()) }),
        },
      },
    },
    ...errorResponses(400, 401, 403, 404),
  },
});

const NewWebsiteSchema = z
  .object({
    name: z.string().trim().min(1).max(100).openapi({ example: 'Docs site' }),
    domain: hostname.openapi({ example: 'docs.example.com' }),
    ...settingsFields,
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
    allowedDomains: w.allowedDomains,
    timezone: w.timezone,
    publicStats: w.publicStats,
    createdAt: new Date(w.createdAt).toISOString(),
    snippet: snippetFor(origin, w.id),
  };
}

export interface WebsiteRouteOptions {
  /** called after a website is created, changed or deleted, so ingest caches never go stale */
  onWebsiteChanged?: (websiteId: string) => void;
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
    const created = reader.createWebsite({
      id: ctx.randomId(),
      name: body.name,
      domain: body.domain,
      createdAt: ctx.now(),
    });
    const { name: _n, domain: _d, ...settings } = body;
    const website = updateWebsite(ctx.database.db, created.id, settings) ?? created;
    opts.onWebsiteChanged?.(website.id);
    return c.json(present(website, publicOrigin(c, ctx.trustProxy)), 201);
  });

  app.openapi({ ...listRouteDef, middleware: requireScope(ctx, 'read') }, (c) => {
    const p = authorize(c, { scope: 'read' });
    const origin = publicOrigin(c, ctx.trustProxy);
    const list = reader.listWebsites(p.websites === null ? null : [...p.websites]);
    return c.json({ websites: list.map((w) => present(w, origin)) }, 200);
  });

  const find = (id: string) => {
    const w = reader.getWebsite(id);
    if (!w) throw new ApiError('not_found', `unknown website "${id}"`);
    return w;
  };

  app.openapi({ ...getRouteDef, middleware: requireScope(ctx, 'read') }, (c) => {
    const { id } = c.req.valid('param');
    authorize(c, { scope: 'read', websiteId: id });
    return c.json(present(find(id), publicOrigin(c, ctx.trustProxy)), 200);
  });

  app.openapi({ ...patchRouteDef, middleware: requireScope(ctx, 'admin') }, (c) => {
    const { id } = c.req.valid('param');
    authorize(c, { scope: 'admin', websiteId: id });
    find(id);
    const website = updateWebsite(ctx.database.db, id, c.req.valid('json'))!;
    opts.onWebsiteChanged?.(id);
    return c.json(present(website, publicOrigin(c, ctx.trustProxy)), 200);
  });

  app.openapi({ ...deleteRouteDef, middleware: requireScope(ctx, 'admin') }, (c) => {
    const { id } = c.req.valid('param');
    authorize(c, { scope: 'admin', websiteId: id });
    find(id);
    if (c.req.valid('query').confirm !== id) {
      throw new ApiError(
        'bad_request',
        `deleting a website removes all its events, sessions and replays; repeat its id to confirm: ?confirm=${id}`,
      );
    }
    const removed = deleteWebsite(ctx.database.db, id)!;
    opts.onWebsiteChanged?.(id);
    return c.json({ deleted: id, removed }, 200);
  });
}
