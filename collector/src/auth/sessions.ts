/**
 * Login sessions. A login creates an opaque token (`sls_` + 32 random bytes): the dashboard gets
 * it in an HttpOnly cookie, scripts send it as `Authorization: Bearer`. Only its sha256 is stored.
 * Sessions last 7 days from their last use (checked at most hourly) and 30 days at most.
 */
import { and, eq, lt } from 'drizzle-orm';
import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../db/client.js';
import { authSessions, users } from '../db/schema.js';

export const SESSION_COOKIE = 'sl_session';
export const SESSION_PREFIX = 'sls_';
export const SESSION_IDLE_MS = 7 * 24 * 3600_000;
export const SESSION_MAX_MS = 30 * 24 * 3600_000;
const TOUCH_EVERY_MS = 3600_000;

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

export function createSession(
  db: Db,
  userId: string,
  now: number,
  userAgent: string | null,
): { token: string; expiresAt: number } {
  const token = SESSION_PREFIX + randomBytes(32).toString('base64url');
  const expiresAt = now + SESSION_IDLE_MS;
  db.insert(authSessions)
    .values({
      hash: sha256(token),
      userId,
      createdAt: now,
      expiresAt,
      lastSeenAt: now,
      userAgent: userAgent?.slice(0, 300) ?? null,
    })
    .run();
  return { token, expiresAt };
}

/** The user of a live session token, or undefined (unknown or expired: then it is deleted). */
export function userOfSession(db: Db, token: string, now: number) {
  const hash = sha256(token);
  const row = db
    .select({ session: authSessions, user: users })
    .from(authSessions)
    .innerJoin(users, eq(users.id, authSessions.userId))
    .where(eq(authSessions.hash, hash))
    .get();
  if (!row) return undefined;
  const { session } = row;
  if (session.expiresAt <= now || session.createdAt + SESSION_MAX_MS <= now) {
    db.delete(authSessions).where(eq(authSessions.hash, hash)).run();
    return undefined;
  }
  if (now - session.lastSeenAt >= TOUCH_EVERY_MS) {
    const expiresAt = Math.min(now + SESSION_IDLE_MS, session.createdAt + SESSION_MAX_MS);
    db.update(authSessions)
      .set({ lastSeenAt: now, expiresAt })
      .where(eq(authSessions.hash, hash))
      .run();
  }
  return row.user;
}

export function deleteSession(db: Db, token: string): void {
  db.delete(authSessions)
    .where(eq(authSessions.hash, sha256(token)))
    .run();
}

/** Ends every session of a user (password change, role change, deletion). */
export function deleteSessionsOf(db: Db, userId: string): void {
  db.delete(authSessions).where(eq(authSessions.userId, userId)).run();
}

/** Removes expired sessions (called now and then by logins). */
export function pruneSessions(db: Db, now: number): void {
  db.delete(authSessions)
    .where(and(lt(authSessions.expiresAt, now)))
    .run();
}

export { sha256 as hashToken };
