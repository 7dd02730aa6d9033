/**
 * The first admin account: on a database without users, create one from
 * `SIGHTLINE_ADMIN_EMAIL` / `SIGHTLINE_ADMIN_PASSWORD`, else `admin@localhost` with a random
 * password that the start-up banner shows once. Later starts change nothing.
 */
import { count } from 'drizzle-orm';
import { randomBytes } from 'node:crypto';
import { PASSWORD_MAX, PASSWORD_MIN, hashPasswordSync } from '../auth/passwords.js';
import type { Db } from '../db/client.js';
import { users } from '../db/schema.js';
import { FirstRunError } from './first-run.js';

export const DEFAULT_ADMIN_EMAIL = 'admin@localhost';

export interface AdminUserOptions {
  email?: string | undefined;
  password?: string | undefined;
  now: number;
  randomId: () => string;
}

export type AdminUserResult =
  | { created: true; email: string; /** generated: shown once */ password: string | null }
  | { created: false };

export function ensureAdminUser(db: Db, opts: AdminUserOptions): AdminUserResult {
  const email = (opts.email?.trim() || DEFAULT_ADMIN_EMAIL).toLowerCase();
  const given = opts.password || undefined;
  if (!/^[^\s@]+@[^\s@]+$/.test(email))
    throw new FirstRunError(`SIGHTLINE_ADMIN_EMAIL must be an email address, not "${email}"`);
  if (given !== undefined && (given.length < PASSWORD_MIN || given.length > PASSWORD_MAX))
    throw new FirstRunError(
      `SIGHTLINE_ADMIN_PASSWORD must be ${PASSWORD_MIN}–${PASSWORD_MAX} characters`,
    );
  if ((db.select({ n: count() }).from(users).get()?.n ?? 0) > 0) return { created: false };
  const password = given ?? randomBytes(15).toString('base64url');
  db.insert(users)
    .values({
      id: opts.randomId(),
      email,
      role: 'admin',
      name: 'Admin',
      passwordHash: hashPasswordSync(password),
      createdAt: opts.now,
    })
    .onConflictDoNothing()
    .run();
  return { created: true, email, password: given === undefined ? password : null };
}
