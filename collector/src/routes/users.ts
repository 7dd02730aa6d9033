/**
 * Sightline accounts (admin only): `GET/POST /api/users`, `PATCH/DELETE /api/users/:id`. A user
 * created without a password gets an invitation token (shown once, valid 7 days) to set one at
 * `POST /api/auth/invitations/accept`. Roles: admin (everything, every website), member (read and
 * write on their websites), viewer (read on their websites). The last admin cannot be demoted or
 * deleted. Changing a role or password, or deleting a user, ends their sessions; deleting also
 * revokes the API keys they created.
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { and, count, eq, inArray, isNull, ne } from 'drizzle-orm';
import { randomBytes } from 'node:crypto';
import { authorizeGlobalAdmin, requireScope } from '../auth/authorize.js';
import type { Context } from 'hono';
import { hashPassword } from '../auth/passwords.js';
import { deleteSessionsOf, hashToken } from '../auth/sessions.js';
import type { AppContext } from '../context.js';
import type { Db } from '../db/client.js';
import { apiKeys, users, userWebsites, websites, type UserRow } from '../db/schema.js';
import { ApiError } from '../http/errors.js';
import { UserSchema, passwordField, presentUser } from './auth.js';
import { bearerSecurity, errorResponses } from './openapi-common.js';

const INVITE_MS = 7 * 24 * 3600_000;
const roleField = z.enum(['admin', 'member', 'viewer']);
const websiteIdsField = z
  .array(z.string().min(1).max(200))
  .max(1000)
  .openapi({ description: 'websites a member or viewer sees (ignored for admins)' });

const NewUserSchema = z
  .object({
    email: z.email().max(254),
    role: roleField,
    name: z.string().trim().min(1).max(100).optional(),
    password: passwordField.optional().openapi({ description: 'omit to get an invitation token' }),
    websiteIds: websiteIdsField.optional(),
  })
  .openapi('NewUser');

const UserPatchSchema = z
  .object({
    role: roleField.optional(),
    name: z.string().trim().min(1).max(100).nullable().optional(),
    password: passwordField.optional(),
    websiteIds: websiteIdsField.optional(),
  })
  .openapi('UserPatch');

const idParam = z.object({ id: z.string().min(1).max(200) });
const json = <T extends z.ZodType>(schema: T) => ({ 'application/json': { schema } });

const listRoute = createRoute({
  method: 'get',
  path: '/api/users',
  tags: ['users'],
  summary: 'Sightline accounts (admin)',
  security: bearerSecurity,
  responses: {
    200: { description: 'Users', content: json(z.object({ users: z.array(UserSchema) })) },
    ...errorResponses(401, 403),
  },
});

const createRouteDef = createRoute({
  method: 'post',
  path: '/api/users',
  tags: ['users'],
  summary: 'Create a user, or invite one (admin)',
  security: bearerSecurity,
  request: { body: { required: true, content: json(NewUserSchema) } },
  responses: {
    201: {
      description: 'Created; `invitation` only when no password was given (shown once)',
      content: json(
        z.object({
          user: UserSchema,
          invitation: z.object({ token: z.string(), expiresAt: z.string() }).nullable(),
        }),
      ),
    },
    ...errorResponses(400, 401, 403, 409),
  },
});

const patchRoute = createRoute({
  method: 'patch',
  path: '/api/users/{id}',
  tags: ['users'],
  summary: 'Change a user’s role, name, password or websites (admin)',
  security: bearerSecurity,
  request: { params: idParam, body: { required: true, content: json(UserPatchSchema) } },
  responses: {
    200: { description: 'Updated', content: json(UserSchema) },
    ...errorResponses(400, 401, 403, 404, 409),
  },
});

const deleteRoute = createRoute({
  method: 'delete',
  path: '/api/users/{id}',
  tags: ['users'],
  summary: 'Delete a user: ends their sessions and revokes their API keys (admin)',
  security: bearerSecurity,
  request: { params: idParam },
  responses: { 204: { description: 'Deleted' }, ...errorResponses(401, 403, 404, 409) },
});

function websitesOf(db: Db, userId: string): string[] {
  return db
    .select({ id: userWebsites.websiteId })
    .from(userWebsites)
    .where(eq(userWebsites.userId, userId))
    .all()
    .map((r) => r.id);
}

function setWebsites(db: Db, userId: string, ids: readonly string[]): void {
  const unique = [...new Set(ids)];
  if (unique.length) {
    const known = new Set(
      db
        .select({ id: websites.id })
        .from(websites)
        .where(inArray(websites.id, unique))
        .all()
        .map((r) => r.id),
    );
    const unknown = unique.filter((id) => !known.has(id));
    if (unknown.length)
      throw new ApiError('invalid_fields', `websiteIds: unknown website(s) ${unknown.join(', ')}`);
  }
  db.delete(userWebsites).where(eq(userWebsites.userId, userId)).run();
  for (const websiteId of unique) db.insert(userWebsites).values({ userId, websiteId }).run();
}

function otherAdmins(db: Db, userId: string): number {
  return (
    db
      .select({ n: count() })
      .from(users)
      .where(and(eq(users.role, 'admin'), ne(users.id, userId)))
      .get()?.n ?? 0
  );
}

export function registerUserRoutes(app: OpenAPIHono, ctx: AppContext): void {
  const { db } = ctx.database;
  const admin = requireScope(ctx, 'admin');

  const authorizeAdmin = (c: Context) => authorizeGlobalAdmin(c, 'users');

  const find = (id: string): UserRow => {
    const u = db.select().from(users).where(eq(users.id, id)).get();
    if (!u) throw new ApiError('not_found', `unknown user "${id}"`);
    return u;
  };

  app.openapi({ ...listRoute, middleware: admin }, (c) => {
    authorizeAdmin(c);
    const rows = db.select().from(users).orderBy(users.createdAt).all();
    return c.json({ users: rows.map((u) => presentUser(u, websitesOf(db, u.id))) }, 200);
  });

  app.openapi({ ...createRouteDef, middleware: admin }, async (c) => {
    authorizeAdmin(c);
    const body = c.req.valid('json');
    const email = body.email.trim().toLowerCase();
    if (db.select({ id: users.id }).from(users).where(eq(users.email, email)).get())
      throw new ApiError('conflict', `a user with email ${email} exists`);
    const now = ctx.now();
    const invite = body.password ? null : randomBytes(32).toString('base64url');
    const row: UserRow = {
      id: ctx.randomId(),
      email,
      name: body.name ?? null,
      role: body.role,
      passwordHash: body.password ? await hashPassword(body.password) : '',
      createdAt: now,
      inviteHash: invite ? hashToken(invite) : null,
      inviteExpiresAt: invite ? now + INVITE_MS : null,
      failedLogins: 0,
      lockedUntil: null,
      lastLoginAt: null,
    };
    db.transaction((tx) => {
      tx.insert(users).values(row).run();
      setWebsites(tx, row.id, body.websiteIds ?? []);
    });
    return c.json(
      {
        user: presentUser(row, websitesOf(db, row.id)),
        invitation: invite
          ? { token: invite, expiresAt: new Date(now + INVITE_MS).toISOString() }
          : null,
      },
      201,
    );
  });

  app.openapi({ ...patchRoute, middleware: admin }, async (c) => {
    authorizeAdmin(c);
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    const user = find(id);
    if (body.role && body.role !== 'admin' && user.role === 'admin' && otherAdmins(db, id) === 0)
      throw new ApiError('conflict', 'this is the last admin: make another user admin first');
    const passwordHash = body.password ? await hashPassword(body.password) : undefined;
    db.transaction((tx) => {
      const set: Partial<UserRow> = {};
      if (body.role) set.role = body.role;
      if (body.name !== undefined) set.name = body.name;
      if (passwordHash)
        Object.assign(set, { passwordHash, inviteHash: null, inviteExpiresAt: null });
      if (Object.keys(set).length) tx.update(users).set(set).where(eq(users.id, id)).run();
      if (body.websiteIds) setWebsites(tx, id, body.websiteIds);
      if ((body.role && body.role !== user.role) || passwordHash) deleteSessionsOf(tx, id);
    });
    return c.json(presentUser(find(id), websitesOf(db, id)), 200);
  });

  app.openapi({ ...deleteRoute, middleware: admin }, (c) => {
    authorizeAdmin(c);
    const { id } = c.req.valid('param');
    const user = find(id);
    if (user.role === 'admin' && otherAdmins(db, id) === 0)
      throw new ApiError('conflict', 'this is the last admin and cannot be deleted');
    db.transaction((tx) => {
      deleteSessionsOf(tx, id);
      tx.delete(userWebsites).where(eq(userWebsites.userId, id)).run();
      tx.update(apiKeys)
        .set({ revokedAt: ctx.now() })
        .where(and(eq(apiKeys.userId, id), isNull(apiKeys.revokedAt)))
        .run();
      tx.delete(users).where(eq(users.id, id)).run();
    });
    return c.body(null, 204);
  });
}
