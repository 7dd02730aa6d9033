/**
 * Authentication and authorization of the read and admin API. Routes only ever call
 * `requireScope` (middleware) and `authorize` / `assertWebsiteAccess` / `websiteScope`.
 *
 * A caller is one of:
 * - an API key (`Authorization: Bearer sl_…`): its scopes, limited to one website or not;
 * - a user, by login session: the `sl_session` cookie (the dashboard) or `Authorization: Bearer
 *   sls_…` (scripts). Roles map to scopes: admin → admin, read, write on every website;
 *   member → read, write and viewer → read, on the websites they were given;
 * - nobody, on a website with public stats, for the aggregate reports that allow it.
 * Requests authenticated by cookie that change something must come from this collector's own
 * origin (CSRF); bearer requests cannot be forged by another site.
 */
import { and, eq } from 'drizzle-orm';
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import type { AppContext } from '../context.js';
import { apiKeys, userWebsites, websites, type UserRow } from '../db/schema.js';
import { ApiError } from '../http/errors.js';
import { findApiKey, scopes as knownScopes, type Scope } from './api-keys.js';
import { SESSION_COOKIE, SESSION_PREFIX, userOfSession } from './sessions.js';

export type Role = UserRow['role'];

/** Who is calling and what it may do. */
export interface Principal {
  kind: 'key' | 'user' | 'public';
  /** the key's id, the user's id, or '' for public access */
  id: string;
  /** the user (for keys: the user who created it, if any) */
  userId: string | null;
  role: Role | null;
  scopes: ReadonlySet<Scope>;
  /** the websites it may act on; null = every website */
  websites: readonly string[] | null;
  via: 'bearer' | 'cookie' | 'none';
}

declare module 'hono' {
  interface ContextVariableMap {
    principal: Principal;
  }
}

/** `last_used_at` is written at most this often per key, to keep reads off the write lock. */
export const LAST_USED_RESOLUTION_MS = 60_000;

export const roleScopes: Record<Role, readonly Scope[]> = {
  admin: ['admin', 'read', 'write'],
  member: ['read', 'write'],
  viewer: ['read'],
};

function unauthorized(message: string, error?: string): ApiError {
  const header = error ? `Bearer realm="sightline", error="${error}"` : 'Bearer realm="sightline"';
  return new ApiError('unauthorized', message, { 'WWW-Authenticate': header });
}

/** admin implies read and write. */
export function hasScope(p: Principal, scope: Scope): boolean {
  return p.scopes.has(scope) || p.scopes.has('admin');
}

function keyPrincipal(ctx: AppContext, token: string): Principal {
  const { db } = ctx.database;
  const row = findApiKey(db, token);
  const now = ctx.now();
  if (!row) throw unauthorized('unknown API key', 'invalid_token');
  if (row.revokedAt !== null && row.revokedAt <= now)
    throw unauthorized('API key revoked', 'invalid_token');
  if (row.expiresAt !== null && row.expiresAt <= now)
    throw unauthorized('API key expired', 'invalid_token');
  if (row.lastUsedAt === null || now - row.lastUsedAt >= LAST_USED_RESOLUTION_MS) {
    db.update(apiKeys).set({ lastUsedAt: now }).where(eq(apiKeys.id, row.id)).run();
  }
  const granted = row.scopes.filter((s): s is Scope =>
    (knownScopes as readonly string[]).includes(s),
  );
  return {
    kind: 'key',
    id: row.id,
    userId: row.userId,
    role: null,
    scopes: new Set(granted),
    websites: row.websiteId === null ? null : [row.websiteId],
    via: 'bearer',
  };
}

/** The principal of a signed-in user. */
export function userPrincipal(ctx: AppContext, user: UserRow, via: 'bearer' | 'cookie'): Principal {
  const websites =
    user.role === 'admin'
      ? null
      : ctx.database.db
          .select({ id: userWebsites.websiteId })
          .from(userWebsites)
          .where(eq(userWebsites.userId, user.id))
          .all()
          .map((r) => r.id);
  return {
    kind: 'user',
    id: user.id,
    userId: user.id,
    role: user.role,
    scopes: new Set(roleScopes[user.role]),
    websites,
    via,
  };
}

function sessionPrincipal(ctx: AppContext, token: string, via: 'bearer' | 'cookie'): Principal {
  const user = userOfSession(ctx.database.db, token, ctx.now());
  if (!user) throw unauthorized('session expired or signed out; sign in again', 'invalid_token');
  return userPrincipal(ctx, user, via);
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * CSRF guard for cookie sessions: a state-changing request must say it comes from this origin
 * (`Origin`, or `Sec-Fetch-Site: same-origin` from browsers that send no Origin).
 */
function assertSameOrigin(c: Context, trustProxy: boolean): void {
  if (SAFE_METHODS.has(c.req.method)) return;
  const origin = c.req.header('Origin');
  const own = new URL(c.req.url).origin;
  const forwardedHost = trustProxy ? c.req.header('X-Forwarded-Host') : undefined;
  const hostOf = (o: string) => {
    try {
      return new URL(o).host;
    } catch {
      return null; // "null" (sandboxed frames, file: pages) and garbage
    }
  };
  const sameOrigin =
    origin !== undefined
      ? origin === own || (forwardedHost !== undefined && hostOf(origin) === forwardedHost)
      : c.req.header('Sec-Fetch-Site') === 'same-origin';
  if (!sameOrigin) {
    throw new ApiError(
      'forbidden',
      'cross-site request refused: a cookie-authenticated change must come from this collector’s own pages (or use Authorization: Bearer)',
    );
  }
}

/**
 * Resolves the caller: `Authorization: Bearer <API key | session token>`, else the session
 * cookie. Throws 401 when there is neither, or the credential is unknown, expired or revoked.
 */
export function authenticate(ctx: AppContext, c: Context): Principal {
  const header = c.req.header('Authorization');
  if (header !== undefined) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match?.[1])
      throw unauthorized('Authorization header must be "Bearer <key>"', 'invalid_request');
    return match[1].startsWith(SESSION_PREFIX)
      ? sessionPrincipal(ctx, match[1], 'bearer')
      : keyPrincipal(ctx, match[1]);
  }
  const cookie = getCookie(c, SESSION_COOKIE);
  if (cookie) {
    const p = sessionPrincipal(ctx, cookie, 'cookie');
    assertSameOrigin(c, ctx.trustProxy);
    return p;
  }
  throw unauthorized('missing Authorization: Bearer <key> header (or a login session)');
}

/** Public read access to one website with public stats on, when the route allows it. */
function publicPrincipal(ctx: AppContext, c: Context): Principal | null {
  const websiteId = c.req.query('websiteId');
  if (!websiteId) return null;
  const site = ctx.database.db
    .select({ id: websites.id })
    .from(websites)
    .where(and(eq(websites.id, websiteId), eq(websites.publicStats, true)))
    .get();
  if (!site) return null;
  return {
    kind: 'public',
    id: '',
    userId: null,
    role: null,
    scopes: new Set(['read']),
    websites: [site.id],
    via: 'none',
  };
}

export interface ScopeOptions {
  /** without credentials, allow reading a website whose stats are public (aggregates only) */
  allowPublic?: boolean;
}

/**
 * Route middleware: authenticates the caller and requires `scope` (401 / 403). The principal is
 * then available as `c.get('principal')`. Runs before request validation, so an anonymous
 * caller learns nothing about the parameters.
 */
export function requireScope(
  ctx: AppContext,
  scope: Scope,
  opts: ScopeOptions = {},
): MiddlewareHandler {
  return async (c, next) => {
    const anonymous = c.req.header('Authorization') === undefined && !getCookie(c, SESSION_COOKIE);
    const principal =
      (anonymous && opts.allowPublic && scope === 'read' && publicPrincipal(ctx, c)) ||
      authenticate(ctx, c);
    if (!hasScope(principal, scope)) throw new ApiError('forbidden', lacks(principal, scope));
    c.set('principal', principal);
    await next();
  };
}

function lacks(p: Principal, scope: Scope): string {
  return p.kind === 'user'
    ? `the ${p.role} role cannot do this (needs the "${scope}" scope)`
    : `this API key lacks the "${scope}" scope`;
}

/** true when the principal may act on `websiteId`. */
export function canAccess(p: Principal, websiteId: string): boolean {
  return p.websites === null || p.websites.includes(websiteId);
}

/** Throws 403 unless the principal may act on `websiteId`. */
export function assertWebsiteAccess(p: Principal, websiteId: string): void {
  if (!canAccess(p, websiteId)) {
    throw new ApiError(
      'forbidden',
      p.kind === 'key'
        ? 'this API key is limited to another website'
        : 'you have no access to this website',
    );
  }
}

/**
 * The check routes call: the principal set by `requireScope`, with `scope`, and (when given)
 * access to `websiteId`. Returns the principal.
 */
export function authorize(
  c: Context,
  opts: { scope: Scope; websiteId?: string | undefined },
): Principal {
  const p = c.get('principal');
  if (!p) throw unauthorized('not authenticated');
  if (!hasScope(p, opts.scope)) throw new ApiError('forbidden', lacks(p, opts.scope));
  if (opts.websiteId !== undefined) assertWebsiteAccess(p, opts.websiteId);
  return p;
}

/**
 * For managing accounts and keys: an admin that is not limited to one website (a key limited to
 * one website must not mint keys or users for others).
 */
export function authorizeGlobalAdmin(c: Context, what: string): Principal {
  const p = authorize(c, { scope: 'admin' });
  if (p.websites !== null)
    throw new ApiError('forbidden', `a key limited to one website cannot manage ${what}`);
  return p;
}
