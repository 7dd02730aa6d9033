/**
 * First start: on a database without websites, create the default website and an admin key (the
 * given one, for automation, else a random one). Later starts change nothing and never see the
 * key again, since only its hash is stored.
 */
import { count, isNull } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { apiKeys, websites, type Website } from '../db/schema.js';
import { createApiKey, findApiKey, type RandomBytes } from '../auth/api-keys.js';
import { defaultWebsite } from '../queries/websites.js';

export const DEFAULT_WEBSITE = { name: 'My website', domain: 'localhost' } as const;
/** Given admin keys shorter than this are refused: they would be guessable. */
export const MIN_ADMIN_KEY_LENGTH = 16;

export interface FirstRunOptions {
  now: number;
  randomId: () => string;
  /** `SIGHTLINE_ADMIN_KEY`: the admin key to create on a fresh database */
  adminKey?: string | undefined;
  random?: RandomBytes;
}

export type FirstRunResult =
  | {
      created: true;
      website: Website;
      adminKey: { id: string; key: string; prefix: string; given: boolean };
    }
  | {
      created: false;
      website: Website | undefined;
      /** keys that are not revoked */
      activeKeys: number;
      /** the given admin key is stored (false also when none was given) */
      adminKeyKnown: boolean;
    };

export class FirstRunError extends Error {}

/** Runs in one transaction, so two collectors starting on a fresh database create one website. */
export function firstRun(db: Db, opts: FirstRunOptions): FirstRunResult {
  const given = opts.adminKey?.trim() || undefined;
  if (given !== undefined && (given.length < MIN_ADMIN_KEY_LENGTH || /\s/.test(given))) {
    throw new FirstRunError(
      `SIGHTLINE_ADMIN_KEY must be at least ${MIN_ADMIN_KEY_LENGTH} characters without spaces (e.g. sl_ followed by random text)`,
    );
  }
  return db.transaction((tx) => {
    const existing = tx.select({ n: count() }).from(websites).get()?.n ?? 0;
    if (existing > 0) {
      const active =
        tx.select({ n: count() }).from(apiKeys).where(isNull(apiKeys.revokedAt)).get()?.n ?? 0;
      return {
        created: false as const,
        website: defaultWebsite(tx),
        activeKeys: active,
        adminKeyKnown: given !== undefined && findApiKey(tx, given) !== undefined,
      };
    }
    const website = tx
      .insert(websites)
      .values({ id: opts.randomId(), ...DEFAULT_WEBSITE, createdAt: opts.now })
      .returning()
      .get();
    const key = createApiKey(tx, {
      id: opts.randomId(),
      name: 'admin (first start)',
      scopes: ['admin', 'read', 'write'],
      now: opts.now,
      key: given,
      random: opts.random,
    });
    return {
      created: true as const,
      website,
      adminKey: { id: key.id, key: key.key, prefix: key.prefix, given: given !== undefined },
    };
  });
}
