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
 * Opens (creating if needed) a SQLite database, sets WAL + synchronous=NORMAL and applies the
 * committed migrations, then refreshes the planner statistics. `path` is a file path or `:memory:`.
 */
export function openDatabase(
  path: string,
  { migrationsFolder = defaultMigrationsFolder }: { migrationsFolder?: string } = {},
): OpenDatabase {
  if (path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true });
  const sqlite = new Database(path);
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
