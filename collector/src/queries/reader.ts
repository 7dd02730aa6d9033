/**
 * The stats reader (SPEC §3.6): everything the read API asks of storage, behind one interface so
 * a PostgreSQL implementation can sit beside this SQLite one and run the same contract tests.
 */
import { sql } from 'drizzle-orm';
import type { OpenDatabase } from '../db/client.js';
import type { Website } from '../db/schema.js';
import { findSessions, listSessions, sessionDetail } from './sessions.js';
import { readStats } from './stats.js';
import type {
  SessionDetail,
  SessionFilter,
  SessionPage,
  StatsCounters,
  TimeRange,
  WebsiteScope,
} from './types.js';
import { createWebsite, defaultWebsite, getWebsite, listWebsites } from './websites.js';

export interface StatsReader {
  stats(websites: WebsiteScope, range: TimeRange): StatsCounters;
  listSessions(filter: SessionFilter): SessionPage;
  /** the sessions with this id, one per website that has it; with their events */
  findSession(id: string): { websiteId: string; detail: () => SessionDetail }[];
  listWebsites(scope: WebsiteScope): Website[];
  getWebsite(id: string): Website | undefined;
  defaultWebsite(): Website | undefined;
  createWebsite(w: { id: string; name: string; domain: string; createdAt: number }): Website;
  /** a cheap round trip to the database; throws when it is unusable */
  ping(): void;
}

export function createSqliteReader({
  db,
  sqlite,
}: Pick<OpenDatabase, 'db' | 'sqlite'>): StatsReader {
  return {
    stats: (websites, range) => readStats(db, sqlite, websites, range),
    listSessions: (filter) => listSessions(db, filter),
    findSession: (id) =>
      findSessions(db, id).map((row) => ({
        websiteId: row.websiteId,
        detail: () => sessionDetail(db, row),
      })),
    listWebsites: (scope) => listWebsites(db, scope),
    getWebsite: (id) => getWebsite(db, id),
    defaultWebsite: () => defaultWebsite(db),
    createWebsite: (w) => createWebsite(db, w),
    ping: () => void db.get(sql`select 1`),
  };
}
