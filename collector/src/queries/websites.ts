/** Websites: list, look up, create, and the default (oldest) one. */
import { asc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { websites, type Website } from '../db/schema.js';
import type { WebsiteScope } from './types.js';

export function listWebsites(db: Db, scope: WebsiteScope): Website[] {
  const q = db.select().from(websites);
  const filtered = scope === null ? q : q.where(inArray(websites.id, [...scope]));
  return filtered.orderBy(asc(websites.createdAt), asc(websites.id)).all();
}

export function getWebsite(db: Db, id: string): Website | undefined {
  return db.select().from(websites).where(eq(websites.id, id)).get();
}

/** The oldest website: the one first-run setup created, used by the demo pages. */
export function defaultWebsite(db: Db): Website | undefined {
  return db
    .select()
    .from(websites)
    .orderBy(asc(websites.createdAt), asc(websites.id))
    .limit(1)
    .get();
}

export function createWebsite(
  db: Db,
  w: { id: string; name: string; domain: string; createdAt: number },
): Website {
  return db.insert(websites).values(w).returning().get();
}
