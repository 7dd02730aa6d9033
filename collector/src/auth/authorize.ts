/**
 * Bearer-key authentication and authorization for the read and admin API. This module is the seam
 * for later work (users, sessions, key management): routes only ever call `requireScope` and
 * `authorize` / `readableWebsiteIds`.
 */
import { eq } from 'drizzle-orm';
import type { Context, MiddlewareHandler } from 'hono';
import type { AppContext } from '../context.js';
import { apiKeys } from '../db/schema.js';
import { ApiError } from '../http/errors.js';
import { findApiKey, scopes as knownScopes, type Scope } from './api-keys.js';

/** Who is calling: the key's id, what it may do, and the one website it is limited to (if any). */
export interface Principal {
  keyId: string;
  scopes: ReadonlySet<Scope>;
  /** null: every website */
  websiteId: string | null;
}

declare module 'hono' {
  interface ContextVariableMap {
    principal: Principal;
  }
}

/** `last_used_at` is written at most this often per key, to keep reads off the write lock. */
export const LAST_USED_RESOLUTION_MS = 60_000;

const challenge = { 'WWW-Authenticate': 'Bearer realm="sightline"' };

function unauthorized(message: string, error?: string): ApiError {
  const header = error
    ? `Bearer realm="sightline", error="${error}"`
    : challenge['WWW-Authenticate'];
  return new ApiError('unauthorized', message, { 'WWW-Authenticate': header });
}

/** admin implies read and write. */
export function hasScope(p: Principal, scope: Scope): boolean {
  return p.scopes.has(scope) || p.scopes.has('admin');
}

/** Resolves the `Authorization: Bearer <key>` header to a principal, or throws 401. */
export function authenticate(ctx: AppContext, header: string | undefined): Principal {
  if (!header) throw unauthorized('missing Authorization: Bearer <key> header');
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match?.[1])
    throw unauthorized('Authorization header must be "Bearer <key>"', 'invalid_request');
  const { db } = ctx.database;
  const row = findApiKey(db, match[1]);
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
  return { keyId: row.id, scopes: new Set(granted), websiteId: row.websiteId };
}

/**
 * Route middleware: authenticates the bearer key and requires `scope` (401 / 403). The principal
 * is then available as `c.get('principal')`. Runs before request validation, so an anonymous
 * caller learns nothing about the parameters.
 */
export function requireScope(ctx: AppContext, scope: Scope): MiddlewareHandler {
  return async (c, next) => {
    const principal = authenticate(ctx, c.req.header('Authorization'));
    if (!hasScope(principal, scope))
      throw new ApiError('forbidden', `this API key lacks the "${scope}" scope`);
    c.set('principal', principal);
    await next();
  };
}

/** Throws 403 unless the principal may act on `websiteId`. */
export function assertWebsiteAccess(p: Principal, websiteId: string): void {
  if (p.websiteId !== null && p.websiteId !== websiteId) {
    throw new ApiError('forbidden', 'this API key is limited to another website');
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
  if (!p) throw new ApiError('unauthorized', 'not authenticated', challenge);
  if (!hasScope(p, opts.scope))
    throw new ApiError('forbidden', `this API key lacks the "${opts.scope}" scope`);
  if (opts.websiteId !== undefined) assertWebsiteAccess(p, opts.websiteId);
  return p;
}
