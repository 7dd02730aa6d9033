/**
 * `POST /api/auth/login`, `POST /api/auth/logout`, `GET /api/auth/me` and
 * `POST /api/auth/invitations/accept`. A login answers the session token in the body (for
 * scripts: `Authorization: Bearer sls_…`) and in an HttpOnly cookie (for the dashboard).
 *
 * Brute force is slowed twice: per client IP (a token bucket) and per account (after 5 failures
 * in a row each further failure locks the account for 2, 4, 8 … seconds, at most 15 minutes;
 * while locked, attempts answer 429 without checking the password).
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { eq } from 'drizzle-orm';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { authenticate, requireScope, userPrincipal } from '../auth/authorize.js';
import { PASSWORD_MAX, PASSWORD_MIN, hashPassword, verifyPassword } from '../auth/passwords.js';
import {
  SESSION_COOKIE,
  SESSION_IDLE_MS,
  SESSION_PREFIX,
  createSession,
  deleteSession,
  hashToken,
  pruneSessions,
} from '../auth/sessions.js';
import type { AppContext } from '../context.js';
import { users, type UserRow } from '../db/schema.js';
import { ApiError } from '../http/errors.js';
import { RateLimiter } from '../http/rate-limit.js';
import { clientIp } from '../ingest/client-ip.js';
import { bearerSecurity, errorResponses } from './openapi-common.js';
import { isSecureRequest } from './request-security.js';

const FREE_FAILURES = 5;
const MAX_LOCK_S = 15 * 60;

export const UserSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string().nullable(),
    role: z.enum(['admin', 'member', 'viewer']),
    websiteIds: z
      .array(z.string())
      .nullable()
      .openapi({ description: 'websites this user sees; null = all (admins)' }),
    createdAt: z.string(),
    lastLoginAt: z.string().nullable(),
    pending: z.boolean().openapi({ description: 'invited, no password set yet' }),
  })
  .openapi('User');

export const passwordField = z
  .string()
  .min(PASSWORD_MIN, `must be at least ${PASSWORD_MIN} characters`)
  .max(PASSWORD_MAX, `must be at most ${PASSWORD_MAX} characters`);

const SessionSchema = z
  .object({
    token: z.string().openapi({ description: 'send as Authorization: Bearer <token>' }),
    expiresAt: z.string(),
    user: UserSchema,
  })
  .openapi('LoginSession');

const loginRoute = createRoute({
  method: 'post',
  path: '/api/auth/login',
  tags: ['auth'],
  summary: 'Sign in with email and password',
  request: {
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z.object({ email: z.string().max(254), password: z.string().max(PASSWORD_MAX) }),
        },
      },
    },
  },
  responses: {
    200: {
      description: 'Signed in; also sets the HttpOnly `sl_session` cookie',
      content: { 'application/json': { schema: SessionSchema } },
    },
    ...errorResponses(400, 401, 429),
  },
});

const logoutRoute = createRoute({
  method: 'post',
  path: '/api/auth/logout',
  tags: ['auth'],
  summary: 'End this login session (cookie or bearer session token)',
  security: bearerSecurity,
  responses: { 204: { description: 'Signed out' }, ...errorResponses(403) },
});

const meRoute = createRoute({
  method: 'get',
  path: '/api/auth/me',
  tags: ['auth'],
  summary: 'Who is calling: the user or API key, its scopes and websites',
  security: bearerSecurity,
  responses: {
    200: {
      description: 'The caller',
      content: {
        'application/json': {
          schema: z.object({
            kind: z.enum(['user', 'key']),
            user: UserSchema.nullable(),
            keyId: z.string().nullable(),
            scopes: z.array(z.string()),
            websiteIds: z.array(z.string()).nullable(),
          }),
        },
      },
    },
    ...errorResponses(401),
  },
});

const acceptRoute = createRoute({
  method: 'post',
  path: '/api/auth/invitations/accept',
  tags: ['auth'],
  summary: 'Set a password with an invitation token, and sign in',
  request: {
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z.object({ token: z.string().min(1).max(200), password: passwordField }),
        },
      },
    },
  },
  responses: {
    200: {
      description: 'Password set; signed in',
      content: { 'application/json': { schema: SessionSchema } },
    },
    ...errorResponses(400, 404),
  },
});

export function presentUser(u: UserRow, websiteIds: readonly string[] | null) {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role,
    websiteIds: u.role === 'admin' ? null : [...(websiteIds ?? [])],
    createdAt: new Date(u.createdAt).toISOString(),
    lastLoginAt: u.lastLoginAt === null ? null : new Date(u.lastLoginAt).toISOString(),
    pending: u.passwordHash === '',
  };
}

export function registerAuthRoutes(app: OpenAPIHono, ctx: AppContext): void {
  const { db } = ctx.database;
  const perIp = new RateLimiter(ctx.limits.loginPerIp);

  function signIn(c: Context, user: UserRow) {
    const now = ctx.now();
    const session = createSession(db, user.id, now, c.req.header('user-agent') ?? null);
    setCookie(c, SESSION_COOKIE, session.token, {
      httpOnly: true,
      sameSite: 'Lax',
      secure: isSecureRequest(c, ctx.trustProxy),
      path: '/',
      maxAge: Math.floor(SESSION_IDLE_MS / 1000),
    });
    c.header('Cache-Control', 'no-store');
    const p = userPrincipal(ctx, user, 'bearer');
    return {
      token: session.token,
      expiresAt: new Date(session.expiresAt).toISOString(),
      user: presentUser(user, p.websites),
    };
  }

  app.openapi(loginRoute, async (c) => {
    const now = ctx.now();
    const wait = perIp.take(clientIp(c, ctx.trustProxy) || 'unknown', now);
    if (wait > 0) throw tooMany(wait, 'too many login attempts from this address');
    const body = c.req.valid('json');
    const user = db
      .select()
      .from(users)
      .where(eq(users.email, body.email.trim().toLowerCase()))
      .get();
    if (user?.lockedUntil && user.lockedUntil > now) {
      throw tooMany(
        Math.ceil((user.lockedUntil - now) / 1000),
        'too many failed logins for this account; try again later',
      );
    }
    const ok = await verifyPassword(body.password, user?.passwordHash ?? null);
    if (!ok || !user) {
      if (user) {
        const failed = user.failedLogins + 1;
        const lock =
          failed > FREE_FAILURES ? Math.min(2 ** (failed - FREE_FAILURES), MAX_LOCK_S) : 0;
        db.update(users)
          .set({ failedLogins: failed, lockedUntil: lock ? now + lock * 1000 : null })
          .where(eq(users.id, user.id))
          .run();
      }
      throw new ApiError('unauthorized', 'invalid email or password');
    }
    db.update(users)
      .set({ failedLogins: 0, lockedUntil: null, lastLoginAt: now })
      .where(eq(users.id, user.id))
      .run();
    pruneSessions(db, now);
    return c.json(signIn(c, { ...user, lastLoginAt: now }), 200);
  });

  app.openapi(logoutRoute, (c) => {
    const header = /^Bearer\s+(\S+)/i.exec(c.req.header('Authorization') ?? '')?.[1];
    const cookie = getCookie(c, SESSION_COOKIE);
    if (cookie && !header) authenticate(ctx, c); // the CSRF check: only our own pages sign out
    const token = header?.startsWith(SESSION_PREFIX) ? header : cookie;
    if (token) deleteSession(db, token);
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    return c.body(null, 204);
  });

  app.openapi({ ...meRoute, middleware: requireScope(ctx, 'read') }, (c) => {
    const p = c.get('principal');
    const user =
      p.kind === 'user' ? db.select().from(users).where(eq(users.id, p.id)).get() : undefined;
    return c.json(
      {
        kind: p.kind === 'user' ? ('user' as const) : ('key' as const),
        user: user ? presentUser(user, p.websites) : null,
        keyId: p.kind === 'key' ? p.id : null,
        scopes: [...p.scopes].sort(),
        websiteIds: p.websites === null ? null : [...p.websites],
      },
      200,
    );
  });

  app.openapi(acceptRoute, async (c) => {
    const body = c.req.valid('json');
    const now = ctx.now();
    const user = db
      .select()
      .from(users)
      .where(eq(users.inviteHash, hashToken(body.token)))
      .get();
    if (!user || user.inviteExpiresAt === null || user.inviteExpiresAt <= now)
      throw new ApiError('not_found', 'unknown or expired invitation');
    const passwordHash = await hashPassword(body.password);
    db.update(users)
      .set({ passwordHash, inviteHash: null, inviteExpiresAt: null, lastLoginAt: now })
      .where(eq(users.id, user.id))
      .run();
    return c.json(signIn(c, { ...user, passwordHash, lastLoginAt: now }), 200);
  });
}

export function tooMany(seconds: number, message: string): ApiError {
  return new ApiError('rate_limited', message, { 'Retry-After': String(seconds) });
}
