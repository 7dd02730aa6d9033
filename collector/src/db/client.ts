import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { refreshPlannerStats } from './planner-stats.js';
import * as schema from './schema.js';

export type Db = BetterSQLite3Database<typeof schema>;

/** An open database: the Drizzle handle and the raw better-sqlite3 connection (for prepared hot paths). */
export interface OpenDatabase {
  db: Db;
  sqlite: Database.Database;
  close(): void;
}

/** The committed migrations (`collector/drizzle`), next to this source file. */
export const defaultMigrationsFolder = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../drizzle',
);

/**
 * Page size of a new database file: SQLite's 4 KiB, set explicitly because it was measured
 * (`scripts/bench/storage-settings.ts`): larger pages make a commit's scattered events-index pages
 * fewer WAL frames (`/api/events` 4.4 → 3.7 µs per event with 16 KiB) but every session a
 * request touches a bigger frame (`/collect` 14.5 → 17.7 µs per request), and `/collect` is the
 * goal further off. A file keeps the page size it was created with.
 */
export const PAGE_SIZE = 4096;

/**
 * The page cache, in KiB: SQLite's own default (better-sqlite3's build sets 16 MB). Ingest is as
 * fast with it, the reports' SQL no slower, and the collector holds ~15 MB less.
 */
export const CACHE_KIB = 2000;

/**
 * Opens (creating if needed) a SQLite database, sets WAL + synchronous=NORMAL and the page cache,
 * applies the committed migrations, then refreshes the planner statistics. `path` is a file path
 * or `:memory:`; `pageSize` and `cacheKib` are for benchmarks.
 */
export function openDatabase(
  path: string,
  {
    migrationsFolder = defaultMigrationsFolder,
    pageSize = PAGE_SIZE,
    cacheKib = CACHE_KIB,
  }: { migrationsFolder?: string; pageSize?: number; cacheKib?: number } = {},
): OpenDatabase {
  if (path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true });
  const sqlite = new Database(path);
  sqlite.pragma(`page_size = ${pageSize}`); // before WAL and the first table, or it is ignored
  sqlite.pragma(`cache_size = -${cacheKib}`);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  const db = drizzle(sqlite, { schema });
  migrate(db, { migrationsFolder });
  refreshPlannerStats(sqlite);
  return { db, sqlite, close: () => sqlite.close() };
}

/** `DATABASE_URL` → a SQLite path: `file:./data/x.db`, a plain path, or `:memory:`. */
export function sqlitePathFromUrl(url: string): string {
  if (url.startsWith('file:')) return url.slice('file:'.length) || ':memory:';
  return url;
}
