/**
 * API keys: `sl_` + 32 random bytes in base64url. Only the sha256 hex of a key is stored, with a
 * short prefix for display. Later work (users, key management) builds on these functions.
 */
import { createHash, randomBytes as nodeRandomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { apiKeys } from '../db/schema.js';

export type Scope = 'read' | 'write' | 'admin';
export const scopes: readonly Scope[] = ['read', 'write', 'admin'];

/** Source of random bytes; injected so tests and first-run setup can be deterministic. */
export type RandomBytes = (size: number) => Uint8Array;

const KEY_PREFIX = 'sl_';
const DISPLAY_PREFIX_LENGTH = 10;

/** A fresh key text: `sl_` followed by 32 random bytes, base64url (43 characters). */
export function generateApiKey(random: RandomBytes = nodeRandomBytes): string {
  return KEY_PREFIX + Buffer.from(random(32)).toString('base64url');
}

/** The stored form of a key: sha256, hex. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** What listings show of a key: its first characters and an ellipsis. */
export function displayPrefix(key: string): string {
  return key.slice(0, DISPLAY_PREFIX_LENGTH);
}

export interface NewApiKey {
  id: string;
  name: string;
  /** the key itself; shown once, never stored */
  key: string;
  prefix: string;
  scopes: Scope[];
  websiteId: string | null;
}

export interface CreateApiKeyOptions {
  id: string;
  name: string;
  scopes: Scope[];
  now: number;
  /** the key text to store; generated when absent */
  key?: string;
  websiteId?: string | null;
  expiresAt?: number | null;
  random?: RandomBytes;
}

/** Stores a key (hashed) and returns it once in clear. */
export function createApiKey(db: Db, opts: CreateApiKeyOptions): NewApiKey {
  const key = opts.key ?? generateApiKey(opts.random);
  const row = {
    id: opts.id,
    name: opts.name,
    prefix: displayPrefix(key),
    hash: hashApiKey(key),
    scopes: opts.scopes,
    websiteId: opts.websiteId ?? null,
    createdAt: opts.now,
    expiresAt: opts.expiresAt ?? null,
  };
  db.insert(apiKeys).values(row).run();
  return {
    id: row.id,
    name: row.name,
    key,
    prefix: row.prefix,
    scopes: opts.scopes,
    websiteId: row.websiteId,
  };
}

/** The stored key row for a key text, if any (whatever its state). */
export function findApiKey(db: Db, key: string) {
  return db
    .select()
    .from(apiKeys)
    .where(eq(apiKeys.hash, hashApiKey(key)))
    .get();
}

/** Marks a key as revoked from `now` on. */
export function revokeApiKey(db: Db, id: string, now: number): void {
  db.update(apiKeys).set({ revokedAt: now }).where(eq(apiKeys.id, id)).run();
}
