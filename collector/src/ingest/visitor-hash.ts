import type Database from 'better-sqlite3';
import { createHash, randomBytes } from 'node:crypto';
import { utcDay } from './normalize.js';

const dayMs = 24 * 60 * 60 * 1000;

/** Options of {@link createVisitorHasher}. */
export interface VisitorHasherOptions {
  /** makes a new daily salt; cryptographically random by default */
  newSalt?: () => string;
}

/**
 * Cookieless visitor ids (SPEC §2.4): sha256(daily salt, website, IP, User-Agent), truncated.
 * The salt of each UTC day lives in the `salts` table, so every collector on the database agrees
 * on it; salts older than yesterday are deleted, after which a hash can no longer be linked to
 * an IP. The IP and User-Agent are only inputs: neither is stored.
 */
export function createVisitorHasher(sqlite: Database.Database, options: VisitorHasherOptions = {}) {
  const newSalt = options.newSalt ?? (() => randomBytes(32).toString('hex'));
  const select = sqlite.prepare<[string], { salt: string }>('SELECT salt FROM salts WHERE day = ?');
  const insert = sqlite.prepare<[string, string]>(
    'INSERT INTO salts (day, salt) VALUES (?, ?) ON CONFLICT DO NOTHING',
  );
  const prune = sqlite.prepare<[string]>('DELETE FROM salts WHERE day < ?');
  // The salt of a day never changes once stored, so caching it is safe (it is not identity state).
  let current: { day: string; salt: string } | null = null;

  function saltOf(now: number): string {
    const day = utcDay(now);
    if (current?.day === day) return current.salt;
    insert.run(day, newSalt());
    prune.run(utcDay(now - dayMs));
    const row = select.get(day);
    if (!row) throw new Error(`salt for ${day} missing after insert`);
    current = { day, salt: row.salt };
    return row.salt;
  }

  /** The visitor id of (website, IP, UA) for the UTC day of `now`. */
  return function visitorHash(
    websiteId: string,
    ip: string,
    userAgent: string,
    now: number,
  ): string {
    return createHash('sha256')
      .update(`${saltOf(now)}\n${websiteId}\n${ip}\n${userAgent}`)
      .digest('hex')
      .slice(0, 32);
  };
}

export type VisitorHasher = ReturnType<typeof createVisitorHasher>;
