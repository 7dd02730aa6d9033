/**
 * API key management (admin): `GET/POST /api/keys`, `POST /api/keys/:id/regenerate`,
 * `DELETE /api/keys/:id` (revoke). A key has scopes (`read`, `write`, `admin`; admin implies the
 * others), may be limited to one website and may expire. The key text is answered once, at
 * creation or regeneration; listings show only its prefix. Stored as sha256.
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { eq } from 'drizzle-orm';
import { createApiKey, displayPrefix, generateApiKey, hashApiKey } from '../auth/api-keys.js';
import { authorizeGlobalAdmin, requireScope } from '../auth/authorize.js';
import type { Context } from 'hono';
import type { AppContext } from '../context.js';
import { apiKeys, websites } from '../db/schema.js';
import { ApiError } from '../http/errors.js';
import { bearerSecurity, errorResponses } from './openapi-common.js';

type KeyRow = typeof apiKeys.$inferSelect;

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

const KeySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    prefix: z.string().openapi({ description: 'first characters of the key, for recognition' }),
    scopes: z.array(z.enum(['read', 'write', 'admin'])),
    websiteId: z.string().nullable().openapi({ description: 'null: every website' }),
    createdBy: z.string().nullable().openapi({ description: 'user id, when a user created it' }),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable(),
    expiresAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
    status: z.enum(['active', 'expired', 'revoked']),
  })
  .openapi('ApiKey');

const NewKeySchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    scopes: z.array(z.enum(['read', 'write', 'admin'])).min(1),
    websiteId: z.string().min(1).max(200).optional(),
    expiresAt: z.iso.datetime({ offset: true }).optional().openapi({ description: 'ISO time' }),
    expiresInDays: z.number().int().min(1).max(3650).optional(),
  })
  .openapi('NewApiKey');

const WithSecret = KeySchema.extend({
  key: z.string().openapi({ description: 'the key itself: shown only now' }),
});
const idParam = z.object({ id: z.string().min(1).max(200) });
const json = <T extends z.ZodType>(schema: T) => ({ 'application/json': { schema } });

const listRoute = createRoute({
  method: 'get',
  path: '/api/keys',
  tags: ['keys'],
  summary: 'API keys (admin); only prefixes are shown',
  security: bearerSecurity,
  responses: {
    200: {
      description: 'Keys, newest first',
      content: json(z.object({ keys: z.array(KeySchema) })),
    },
    ...errorResponses(401, 403),
  },
});
const createKeyRoute = createRoute({
  method: 'post',
  path: '/api/keys',
  tags: ['keys'],
  summary: 'Create an API key (admin)',
  security: bearerSecurity,
  request: { body: { required: true, content: json(NewKeySchema) } },
  responses: {
    201: { description: 'Created; `key` is shown only now', content: json(WithSecret) },
    ...errorResponses(400, 401, 403),
  },
});
const regenerateRoute = createRoute({
  method: 'post',
  path: '/api/keys/{id}/regenerate',
  tags: ['keys'],
  summary: 'Replace a key’s secret (the old one stops working at once)',
  security: bearerSecurity,
  request: { params: idParam },
  responses: {
    200: { description: 'The new key, shown only now', content: json(WithSecret) },
    ...errorResponses(401, 403, 404),
  },
});
const revokeRoute = createRoute({
  method: 'delete',
  path: '/api/keys/{id}',
  tags: ['keys'],
  summary: 'Revoke a key',
  security: bearerSecurity,
  request: { params: idParam },
  responses: { 204: { description: 'Revoked' }, ...errorResponses(401, 403, 404) },
});

function present(k: KeyRow, now: number) {
  const status =
    k.revokedAt !== null && k.revokedAt <= now
      ? ('revoked' as const)
      : k.expiresAt !== null && k.expiresAt <= now
        ? ('expired' as const)
        : ('active' as const);
  return {
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    scopes: k.scopes as ('read' | 'write' | 'admin')[],
    websiteId: k.websiteId,
    createdBy: k.userId,
    createdAt: iso(k.createdAt)!,
    lastUsedAt: iso(k.lastUsedAt),
    expiresAt: iso(k.expiresAt),
    revokedAt: iso(k.revokedAt),
    status,
  };
}

export function registerKeyRoutes(app: OpenAPIHono, ctx: AppContext): void {
  const { db } = ctx.database;
  const admin = requireScope(ctx, 'admin');
  const authorizeAdmin = (c: Context) => authorizeGlobalAdmin(c, 'keys');
  const find = (id: string): KeyRow => {
    const k = db.select().from(apiKeys).where(eq(apiKeys.id, id)).get();
    if (!k) throw new ApiError('not_found', `unknown API key "${id}"`);
    return k;
  };

  app.openapi({ ...listRoute, middleware: admin }, (c) => {
    authorizeAdmin(c);
    const now = ctx.now();
    const rows = db.select().from(apiKeys).all();
    rows.sort((a, b) => b.createdAt - a.createdAt || a.id.localeCompare(b.id));
    return c.json({ keys: rows.map((k) => present(k, now)) }, 200);
  });

  app.openapi({ ...createKeyRoute, middleware: admin }, (c) => {
    const p = authorizeAdmin(c);
    const body = c.req.valid('json');
    const now = ctx.now();
    if (body.websiteId && !db.select().from(websites).where(eq(websites.id, body.websiteId)).get())
      throw new ApiError('invalid_fields', `websiteId: unknown website "${body.websiteId}"`);
    if (body.expiresAt && body.expiresInDays)
      throw new ApiError('invalid_fields', 'give expiresAt or expiresInDays, not both');
    const expiresAt = body.expiresAt
      ? Date.parse(body.expiresAt)
      : body.expiresInDays
        ? now + body.expiresInDays * 86_400_000
        : null;
    if (expiresAt !== null && expiresAt <= now)
      throw new ApiError('invalid_fields', 'expiresAt: must be in the future');
    const created = createApiKey(db, {
      id: ctx.randomId(),
      name: body.name,
      scopes: [...new Set(body.scopes)],
      websiteId: body.websiteId ?? null,
      expiresAt,
      now,
    });
    if (p.userId)
      db.update(apiKeys).set({ userId: p.userId }).where(eq(apiKeys.id, created.id)).run();
    return c.json({ ...present(find(created.id), now), key: created.key }, 201);
  });

  app.openapi({ ...regenerateRoute, middleware: admin }, (c) => {
    authorizeAdmin(c);
    const { id } = c.req.valid('param');
    const old = find(id);
    const now = ctx.now();
    if (old.revokedAt !== null && old.revokedAt <= now)
      throw new ApiError('not_found', `API key "${id}" is revoked; create a new one`);
    const key = generateApiKey();
    db.update(apiKeys)
      .set({ hash: hashApiKey(key), prefix: displayPrefix(key), lastUsedAt: null })
      .where(eq(apiKeys.id, id))
      .run();
    return c.json({ ...present(find(id), now), key }, 200);
  });

  app.openapi({ ...revokeRoute, middleware: admin }, (c) => {
    authorizeAdmin(c);
    const { id } = c.req.valid('param');
    const k = find(id);
    if (k.revokedAt === null)
      db.update(apiKeys).set({ revokedAt: ctx.now() }).where(eq(apiKeys.id, id)).run();
    return c.body(null, 204);
  });
}
