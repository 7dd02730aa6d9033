/** Website changes of the admin API: update settings, and delete a website with all its data. */
import { eq, getTableName } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import {
  apiKeys,
  botDrops,
  eventRollups,
  events,
  replayChunks,
  replayUsage,
  sessions,
  userWebsites,
  websites,
  type Website,
} from '../db/schema.js';

export type WebsitePatch = Partial<
  Pick<Website, 'name' | 'domain' | 'allowedDomains' | 'timezone' | 'publicStats'>
>;

export function updateWebsite(db: Db, id: string, patch: WebsitePatch): Website | undefined {
  if (Object.keys(patch).length === 0)
    return db.select().from(websites).where(eq(websites.id, id)).get();
  return db.update(websites).set(patch).where(eq(websites.id, id)).returning().get();
}

/**
 * Every table that holds rows of one website, with its `website_id` column. Tables added later
 * (rollups, …) must be listed here so deleting a website leaves nothing behind.
 */
const perWebsite = [
  { table: events, column: events.websiteId },
  { table: eventRollups, column: eventRollups.websiteId },
  { table: sessions, column: sessions.websiteId },
  { table: replayChunks, column: replayChunks.websiteId },
  { table: replayUsage, column: replayUsage.websiteId },
  { table: botDrops, column: botDrops.websiteId },
  { table: userWebsites, column: userWebsites.websiteId },
  { table: apiKeys, column: apiKeys.websiteId },
] as const;

/** Deletes a website and all its data in one transaction; the counts of rows removed per table. */
export function deleteWebsite(db: Db, id: string): Record<string, number> | undefined {
  return db.transaction((tx) => {
    if (!tx.select({ id: websites.id }).from(websites).where(eq(websites.id, id)).get())
      return undefined;
    const removed: Record<string, number> = {};
    for (const { table, column } of perWebsite) {
      removed[getTableName(table)] = tx.delete(table).where(eq(column, id)).run().changes;
    }
    tx.delete(websites).where(eq(websites.id, id)).run();
    return removed;
  });
}
