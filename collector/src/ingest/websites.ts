import type Database from 'better-sqlite3';
import type { OpenDatabase } from '../db/client.js';

/**
 * Known website ids, cached in memory for a short time because every ingest request needs the
 * check. Only positive answers are cached, so a website created a moment ago is found at once;
 * call {@link invalidateWebsiteCache} after deleting one so it stops accepting events at once too.
 */
export class WebsiteCache {
  private readonly known = new Map<string, number>();
  private readonly select: Database.Statement<[string], { id: string }>;

  constructor(
    sqlite: Database.Database,
    private readonly now: () => number,
    private readonly ttlMs = 60_000,
  ) {
    this.select = sqlite.prepare('SELECT id FROM websites WHERE id = ?');
  }

  /** true when a website with this id exists. */
  has(id: string): boolean {
    const until = this.known.get(id);
    const t = this.now();
    if (until !== undefined && until > t) return true;
    if (!this.select.get(id)) {
      this.known.delete(id);
      return false;
    }
    if (this.known.size > 10_000) this.known.clear();
    this.known.set(id, t + this.ttlMs);
    return true;
  }

  /** Forgets one id, or all of them. */
  invalidate(id?: string): void {
    if (id === undefined) this.known.clear();
    else this.known.delete(id);
  }
}

// Keyed by connection (not a global cache): every app over one database shares its cache.
const caches = new WeakMap<Database.Database, WebsiteCache>();

/** The website cache of a database, created on first use. */
export function websiteCacheFor(database: OpenDatabase, now: () => number): WebsiteCache {
  let cache = caches.get(database.sqlite);
  if (!cache) {
    cache = new WebsiteCache(database.sqlite, now);
    caches.set(database.sqlite, cache);
  }
  return cache;
}

/**
 * Call after deleting (or renaming the id of) a website, e.g. from the admin API:
 * `invalidateWebsiteCache(ctx.database, id)`. Without an id, forgets every cached website.
 */
export function invalidateWebsiteCache(database: OpenDatabase, websiteId?: string): void {
  caches.get(database.sqlite)?.invalidate(websiteId);
}
